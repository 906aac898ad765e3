import { describe, expect, it } from '@jest/globals';
import { DiceResultsError } from './errors.js';
import {
  evaluateResultsGroup,
  toDiceTerms,
  validateResultsGroups,
  type ResultNode,
  type RollResultsGroup,
} from './talespire.js';

const dice = (kind: string, ...results: number[]): ResultNode => ({ kind, results });
const value = (v: number): ResultNode => ({ value: v });
const plus = (...operands: ResultNode[]): ResultNode => ({ operator: '+', operands });
const minus = (...operands: ResultNode[]): ResultNode => ({ operator: '-', operands });

/** `d8+5d6+2d4+2` as TaleSpire nests it: binary operators, left-deep. */
const nested: RollResultsGroup = {
  name: 'Attack',
  result: plus(plus(plus(dice('d8', 3), dice('d6', 1, 2, 3, 4, 5)), dice('d4', 2, 4)), value(2)),
};

function resultsError(run: () => unknown): DiceResultsError {
  try {
    run();
  } catch (error) {
    if (error instanceof DiceResultsError) return error;
    throw error;
  }
  throw new Error('expected a DiceResultsError');
}

function deep(depth: number): ResultNode {
  let node: ResultNode = dice('d6', 1);
  for (let i = 0; i < depth; i++) node = plus(node, value(0));
  return node;
}

describe('evaluateResultsGroup', () => {
  it('sums nested + trees', () => {
    expect(evaluateResultsGroup(nested)).toBe(3 + 15 + 6 + 2);
  });

  it("honours '-' on dice and modifiers, at any depth", () => {
    expect(evaluateResultsGroup({ name: '', result: minus(dice('d6', 6, 5, 4, 3), dice('d4', 4)) })).toBe(14);
    expect(evaluateResultsGroup({ name: '', result: minus(plus(dice('d20', 10), value(5)), value(3)) })).toBe(12);
    // d20 - (d4 + 2) = d20 - d4 - 2
    expect(evaluateResultsGroup({ name: '', result: minus(dice('d20', 10), plus(dice('d4', 3), value(2))) })).toBe(5);
    // d20 - (d4 - 2) = d20 - d4 + 2
    expect(evaluateResultsGroup({ name: '', result: minus(dice('d20', 10), minus(dice('d4', 3), value(2))) })).toBe(9);
    expect(evaluateResultsGroup({ name: '', result: plus(dice('d20', 10), value(-4)) })).toBe(6);
    expect(evaluateResultsGroup({ name: '', result: minus(dice('d4', 3)) })).toBe(-3);
  });

  it('throws on a malformed group', () => {
    expect(() => evaluateResultsGroup({ name: 'x', result: { operator: '*', operands: [] } as never })).toThrow(
      DiceResultsError,
    );
  });
});

describe('validateResultsGroups', () => {
  it('recomputes totals from the faces', () => {
    const damage: RollResultsGroup = { name: 'Damage', result: plus(dice('d6', 6, 1), value(3)) };
    expect(validateResultsGroups([nested, damage])).toEqual({
      groups: [
        { name: 'Attack', total: 26 },
        { name: 'Damage', total: 10 },
      ],
      total: 36,
    });
  });

  it('accepts results that match the expected notation, however the tree is shaped', () => {
    expect(validateResultsGroups([nested], 'Attack:d8+5d6+2d4+2').total).toBe(26);
    const merged = { name: '', result: plus(dice('d6', 1, 2, 3), value(2)) };
    expect(validateResultsGroups([merged], '2d6+1d6+2').total).toBe(8);
    const negative = { name: '', result: plus(dice('d20', 7), value(-2)) };
    expect(validateResultsGroups([negative], '1d20-2').total).toBe(5);
  });

  it('refuses results that do not match the expected notation', () => {
    expect(resultsError(() => validateResultsGroups([nested], 'd8+5d6+2d4+3')).message).toContain('does not match');
    expect(resultsError(() => validateResultsGroups([nested], 'd8+6d6+2d4+2')).message).toContain('does not match');
    expect(resultsError(() => validateResultsGroups([nested], 'd8+5d6-2d4+2')).message).toContain('does not match');
    expect(resultsError(() => validateResultsGroups([nested], 'd8+5d6+2d4+2/d20')).message).toContain(
      'expected 2 groups, got 1',
    );
    const twoD20 = [{ name: '', result: dice('d20', 3, 18) }];
    expect(resultsError(() => validateResultsGroups(twoD20, '2d20kh1')).message).toContain('keep rules');
  });

  it.each([
    [
      'a face above the die',
      [{ name: '', result: dice('d6', 7) }],
      'resultsGroups[0].result.results[0]: face must be an integer from 1 to 6',
    ],
    ['a zero face', [{ name: '', result: dice('d20', 0) }], 'face must be an integer from 1 to 20'],
    ['a fractional face', [{ name: '', result: dice('d20', 2.5) }], 'face must be an integer from 1 to 20'],
    ['a string face', [{ name: '', result: { kind: 'd20', results: ['20'] } }], 'face must be an integer'],
    ['an unknown die', [{ name: '', result: dice('d7', 1) }], 'unknown dice kind "d7"'],
    ['a fudge die', [{ name: '', result: dice('dF', 1) }], 'unknown dice kind "dF"'],
    ['a non-string kind', [{ name: '', result: { kind: 20, results: [1] } }], 'unknown dice kind'],
    ['no faces', [{ name: '', result: dice('d20') }], 'must be a non-empty array'],
    ['too many dice', [{ name: '', result: dice('d6', ...new Array(101).fill(1)) }], 'too many dice (max 100)'],
    [
      'too many dice across groups',
      [
        { name: '', result: dice('d6', ...new Array(60).fill(1)) },
        { name: '', result: dice('d6', ...new Array(41).fill(1)) },
      ],
      'resultsGroups[1].result.results: too many dice (max 100)',
    ],
    [
      'a huge modifier',
      [{ name: '', result: plus(dice('d6', 1), value(1e12)) }],
      'must be an integer with |value| <= 100000',
    ],
    ['an unknown operator', [{ name: '', result: { operator: '*', operands: [dice('d6', 1)] } }], "must be '+' or '-'"],
    ['empty operands', [{ name: '', result: { operator: '+', operands: [] } }], 'must be a non-empty array'],
    ['an unknown node', [{ name: '', result: { faces: [1] } }], "must have 'operator', 'kind' or 'value'"],
    ['a null node', [{ name: '', result: null }], 'must be an object'],
    [
      'a prototype-only kind',
      [{ name: '', result: Object.create({ kind: 'd6', results: [1] }) }],
      "must have 'operator'",
    ],
    ['no dice at all', [{ name: '', result: value(20) }], 'contains no dice'],
    ['a missing name', [{ result: dice('d6', 1) }], 'resultsGroups[0].name: must be a string'],
    ['a huge name', [{ name: 'x'.repeat(201), result: dice('d6', 1) }], 'too long'],
    ['no groups', [], 'must not be empty'],
    ['too many groups', new Array(11).fill({ name: '', result: dice('d6', 1) }), 'too many groups (max 10)'],
    ['a non-array', { 0: { name: '', result: dice('d6', 1) } }, 'resultsGroups: must be an array'],
    ['deep nesting', [{ name: '', result: deep(40) }], 'nested too deeply (max 32)'],
    ['a wide operator', [{ name: '', result: plus(...new Array(300).fill(value(1))) }], 'too many nodes (max 256)'],
    [
      'too many nodes overall',
      new Array(10).fill({ name: '', result: plus(dice('d4', 1), ...new Array(30).fill(value(1))) }),
      'too many nodes (max 256)',
    ],
  ])('refuses %s', (_label, groups, message) => {
    expect(resultsError(() => validateResultsGroups(groups)).message).toContain(message);
  });

  it('accepts nesting up to the depth limit', () => {
    expect(validateResultsGroups([{ name: '', result: deep(31) }]).total).toBe(1);
  });

  it('is not fooled by __proto__ keys or forged totals', () => {
    const hostile = JSON.parse(
      '[{"name":"a","total":999,"result":{"__proto__":{"kind":"d6"},"kind":"d20","results":[4],"total":999}}]',
    );
    expect(validateResultsGroups(hostile)).toEqual({ groups: [{ name: 'a', total: 4 }], total: 4 });
    const protoOnly = JSON.parse('[{"name":"a","result":{"__proto__":{"kind":"d6","results":[6]}}}]');
    expect(resultsError(() => validateResultsGroups(protoOnly)).message).toContain("must have 'operator'");
  });
});

describe('toDiceTerms', () => {
  it('normalises TaleSpire results into a RollResult', () => {
    const result = toDiceTerms([nested, { name: '', result: minus(dice('d20', 12), value(-1)) }]);
    expect(result.source).toBe('talespire');
    expect(result.notation).toBe('Attack:1d8+5d6+2d4+2/1d20+1');
    expect(result.total).toBe(26 + 13);
    expect(result.groups[0].terms[1]).toEqual({
      kind: 'dice',
      sign: '+',
      count: 5,
      sides: 6,
      faces: [1, 2, 3, 4, 5],
      dropped: [],
      sum: 15,
    });
    expect(result.groups[1]).toEqual({
      terms: [
        { kind: 'dice', sign: '+', count: 1, sides: 20, faces: [12], dropped: [], sum: 12 },
        { kind: 'modifier', sign: '+', value: 1, sum: 1 },
      ],
      total: 13,
    });
  });

  it('cleans names that would break the notation', () => {
    expect(toDiceTerms([{ name: 'a/b:c', result: dice('d4', 2) }]).notation).toBe('a b c:1d4');
  });

  it('validates before converting', () => {
    expect(() => toDiceTerms([{ name: '', result: dice('d6', 9) }])).toThrow(DiceResultsError);
  });
});
