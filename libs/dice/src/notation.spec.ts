import { describe, expect, it } from '@jest/globals';
import { DiceNotationError } from './errors.js';
import { formatNotation, isTaleSpireCompatible, parseNotation, type ParsedRoll } from './notation.js';

const d = (count: number, sides: number, sign: '+' | '-' = '+') => ({ kind: 'dice' as const, sign, count, sides });
const m = (value: number, sign: '+' | '-' = '+') => ({ kind: 'modifier' as const, sign, value });

const VALID: [string, ParsedRoll, string][] = [
  ['1d20+5', { groups: [{ terms: [d(1, 20), m(5)] }] }, '1d20+5'],
  ['3d20', { groups: [{ terms: [d(3, 20)] }] }, '3d20'],
  ['2d6', { groups: [{ terms: [d(2, 6)] }] }, '2d6'],
  ['d20', { groups: [{ terms: [d(1, 20)] }] }, '1d20'],
  [
    'd8+5d6+2d4+2/d20+7',
    { groups: [{ terms: [d(1, 8), d(5, 6), d(2, 4), m(2)] }, { terms: [d(1, 20), m(7)] }] },
    '1d8+5d6+2d4+2/1d20+7',
  ],
  ['4d6-1d4', { groups: [{ terms: [d(4, 6), d(1, 4, '-')] }] }, '4d6-1d4'],
  [
    'Attack:1d20+5/Damage:2d6+3',
    {
      groups: [
        { name: 'Attack', terms: [d(1, 20), m(5)] },
        { name: 'Damage', terms: [d(2, 6), m(3)] },
      ],
    },
    'Attack:1d20+5/Damage:2d6+3',
  ],
  ['  Fire Bolt : 1 D10 + 2 ', { groups: [{ name: 'Fire Bolt', terms: [d(1, 10), m(2)] }] }, 'Fire Bolt:1d10+2'],
  ['-1d4+3', { groups: [{ terms: [d(1, 4, '-'), m(3)] }] }, '-1d4+3'],
  ['+1D100', { groups: [{ terms: [d(1, 100)] }] }, '1d100'],
  ['2+1d6', { groups: [{ terms: [m(2), d(1, 6)] }] }, '2+1d6'],
  ['1d20-0', { groups: [{ terms: [d(1, 20), m(0, '-')] }] }, '1d20-0'],
  ['4d6kh3', { groups: [{ terms: [{ ...d(4, 6), keep: { mode: 'highest', n: 3 } }] }] }, '4d6kh3'],
  ['2d20KL1+4', { groups: [{ terms: [{ ...d(2, 20), keep: { mode: 'lowest', n: 1 } }, m(4)] }] }, '2d20kl1+4'],
  ['4d6k3', { groups: [{ terms: [{ ...d(4, 6), keep: { mode: 'highest', n: 3 } }] }] }, '4d6kh3'],
  ['100d2', { groups: [{ terms: [d(100, 2)] }] }, '100d2'],
  ['1d1000+100000', { groups: [{ terms: [d(1, 1000), m(100000)] }] }, '1d1000+100000'],
];

const tenGroups = Array.from({ length: 10 }, () => '1d6').join('/');
const INVALID: [string, string][] = [
  ['', 'empty notation'],
  ['   ', 'empty notation'],
  ['10000d6', 'too many dice (max 100)'],
  ['99999999999999999999d6', 'too many dice (max 100)'],
  ['60d6+41d6', 'too many dice (max 100)'],
  ['50d6/51d6', 'too many dice (max 100)'],
  ['d0', 'a die must have 2 to 1000 sides'],
  ['1d1', 'a die must have 2 to 1000 sides'],
  ['1d1001', 'a die must have 2 to 1000 sides'],
  ['1d99999999999999999999', 'a die must have 2 to 1000 sides'],
  ['0d6', 'dice count must be at least 1'],
  ['1d20+999999999999', 'modifier too large (max 100000)'],
  ['1d20+100001', 'modifier too large (max 100000)'],
  [`${tenGroups}/1d6`, 'too many roll groups (max 10)'],
  [`Name:1d20+${'1+'.repeat(95)}1`, 'notation too long (max 200 characters)'],
  ['1d20+', 'expected a die or a number'],
  ['1d', "expected the number of sides after 'd'"],
  ['d', "expected the number of sides after 'd'"],
  ['1d20 5', "expected '+', '-' or '/' but found '5'"],
  ['1d20*2', "expected '+', '-' or '/' but found '*'"],
  ['1d20/', 'expected a die or a number'],
  ['1d20//1d6', 'expected a die or a number'],
  ['5', 'a roll group needs at least one die'],
  ['Attack:', 'expected a die or a number'],
  [':1d20', 'empty group name before ":"'],
  ['a:b:1d20', "expected a die or a number but found 'b'"],
  ['4d6kh0', 'keep count must be between 1 and the number of dice (4)'],
  ['4d6kh5', 'keep count must be between 1 and the number of dice (4)'],
  ['4d6k', "expected how many dice to keep after 'k'"],
  ['1d20++5', "expected a die or a number but found '+'"],
  ['1e3d6', "expected '+', '-' or '/' but found 'e'"],
  ['1d6.5', "expected '+', '-' or '/' but found '.'"],
];

describe('parseNotation', () => {
  it.each(VALID)('parses %j', (text, ast, normal) => {
    const parsed = parseNotation(text);
    expect(parsed).toEqual(ast);
    expect(formatNotation(parsed)).toBe(normal);
    expect(parseNotation(normal)).toEqual(ast);
  });

  it.each(INVALID)('refuses %j with %j', (text, message) => {
    let error: unknown;
    try {
      parseNotation(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DiceNotationError);
    expect((error as DiceNotationError).message).toContain(message);
    expect((error as DiceNotationError).position).toBeGreaterThanOrEqual(0);
    expect((error as DiceNotationError).position).toBeLessThanOrEqual(Math.max(text.length, 200));
  });

  it('accepts exactly 200 characters and exactly 10 groups', () => {
    const long = `1d20+${'1+'.repeat(97)}1`;
    expect(long).toHaveLength(200);
    expect(parseNotation(long).groups[0].terms).toHaveLength(99);
    expect(parseNotation(tenGroups).groups).toHaveLength(10);
  });

  it('reports where a syntax error is', () => {
    expect(() => parseNotation('1d20+5x')).toThrow(expect.objectContaining({ position: 6, kind: 'syntax' }));
    expect(() => parseNotation('1d20/2d6+1d0')).toThrow(expect.objectContaining({ position: 11, kind: 'limit' }));
  });

  it('lets the dice limit be configured, within a ceiling', () => {
    expect(parseNotation('150d6', { maxDice: 200 }).groups[0].terms[0]).toEqual(d(150, 6));
    expect(() => parseNotation('3d6', { maxDice: 2 })).toThrow('too many dice (max 2)');
    expect(() => parseNotation('1d6', { maxDice: 0 })).toThrow(RangeError);
    expect(() => parseNotation('1d6', { maxDice: 1e9 })).toThrow(RangeError);
  });

  it('refuses values that are not strings', () => {
    expect(() => parseNotation(42 as unknown as string)).toThrow(DiceNotationError);
  });
});

describe('isTaleSpireCompatible', () => {
  it.each([
    ['1d20+5', true],
    ['d8+5d6+2d4+2/d20+7', true],
    ['Attack:1d20+5/Damage:1d100', true],
    ['4d6kh3', false],
    ['1d7', false],
    ['1d1000', false],
    ['not dice', false],
    ['10000d6', false],
  ])('%j -> %j', (notation, expected) => {
    expect(isTaleSpireCompatible(notation)).toBe(expected);
  });

  it('accepts a parsed roll', () => {
    expect(isTaleSpireCompatible(parseNotation('2d6+1'))).toBe(true);
    expect(isTaleSpireCompatible({ groups: [{ terms: [d(2, 3)] }] })).toBe(false);
  });
});
