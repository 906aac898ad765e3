import { describe, expect, it } from '@jest/globals';
import { DiceResultsError } from './errors.js';
import { alignToNotation, checkFaces, expectedDice, facesOf } from './faces.js';
import { randomFromUint32 } from './random.js';
import { rollNotation } from './roll.js';
import { toDiceTerms, type ResultNode } from './talespire.js';

const dice = (kind: string, ...results: number[]): ResultNode => ({ kind, results });
const value = (v: number): ResultNode => ({ value: v });
const plus = (...operands: ResultNode[]): ResultNode => ({ operator: '+', operands });

function resultsError(run: () => unknown): DiceResultsError {
  try {
    run();
  } catch (error) {
    if (error instanceof DiceResultsError) return error;
    throw error;
  }
  throw new Error('expected a DiceResultsError');
}

describe('expectedDice', () => {
  it('lists one die per face in notation order, dropped dice included and constants excluded', () => {
    expect(expectedDice('Atk:1d20+5/4d6kh3-2')).toEqual([
      { group: 0, term: 0, sides: 20 },
      ...[0, 1, 2, 3].map(() => ({ group: 1, term: 0, sides: 6 })),
    ]);
  });
});

describe('checkFaces', () => {
  it('accepts faces that fit the notation', () => {
    expect(() => checkFaces('1d20+1d6-3', [20, 1])).not.toThrow();
    expect(() => checkFaces('3d20', [1, 20, 7])).not.toThrow();
  });

  it('refuses the wrong number of faces with the path `faces`', () => {
    const error = resultsError(() => checkFaces('3d20', [4, 5]));
    expect(error.path).toBe('faces');
    expect(error.message).toBe('faces: "3d20" rolls 3 dice, got 2 faces');
    expect(resultsError(() => checkFaces('1d20+5', [4, 5])).message).toContain('rolls 1 die, got 2 faces');
  });

  it('refuses a face outside its die, naming the index and the die', () => {
    const error = resultsError(() => checkFaces('1d20+1d6', [20, 7]));
    expect(error.path).toBe('faces.1');
    expect(error.message).toContain('must be an integer from 1 to 6 (a d6 of "1d20+1d6")');
    expect(resultsError(() => checkFaces('2d6', [0, 3])).path).toBe('faces.0');
    expect(resultsError(() => checkFaces('2d6', [2.5, 3])).path).toBe('faces.0');
    expect(resultsError(() => checkFaces('2d6', ['3', 3])).path).toBe('faces.0');
  });

  it('agrees with the faces of a server roll', () => {
    const result = rollNotation(
      'Atk:1d20+5/2d6+1d4',
      randomFromUint32(() => 7),
    );
    expect(() => checkFaces('Atk:1d20+5/2d6+1d4', facesOf(result))).not.toThrow();
  });
});

describe('alignToNotation', () => {
  it('puts TaleSpire terms reported in another order into the notation order, keeping the totals', () => {
    const reported = toDiceTerms([
      { name: 'Hit', result: plus(plus(dice('d6', 4), value(2)), dice('d20', 17), value(1)) },
    ]);
    expect(facesOf(reported)).toEqual([4, 17]);
    const aligned = alignToNotation(reported, 'Hit:1d20+1d6+3');
    expect(facesOf(aligned)).toEqual([17, 4]);
    expect(aligned.total).toBe(reported.total);
    expect(aligned.notation).toBe('Hit:1d20+1d6+3');
    expect(aligned.groups[0].terms.map((term) => term.kind)).toEqual(['dice', 'dice', 'modifier']);
  });

  it('splits one reported term across equal notation terms and refuses missing dice', () => {
    const reported = toDiceTerms([{ name: '', result: dice('d6', 1, 2, 3) }]);
    expect(alignToNotation(reported, '1d6+2d6').groups[0].terms).toMatchObject([{ faces: [1] }, { faces: [2, 3] }]);
    expect(resultsError(() => alignToNotation(reported, '4d6')).path).toBe('resultsGroups[0]');
    expect(resultsError(() => alignToNotation(reported, '1d6/1d6')).path).toBe('resultsGroups');
  });
});
