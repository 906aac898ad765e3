import { DiceResultsError } from './errors.js';
import type { DiceOptions } from './limits.js';
import { formatNotation, parseNotation, type ParsedRoll } from './notation.js';
import type { RolledDiceTerm, RolledGroup, RollResult } from './roll.js';

/** One die a notation asks for, in notation order: which group and term it belongs to and its sides. */
export interface ExpectedDie {
  group: number;
  term: number;
  sides: number;
}

/** Every die of a notation in order (all groups, all dice terms, dice dropped by keep rules included). */
export function expectedDice(notation: string | ParsedRoll, options?: DiceOptions): ExpectedDie[] {
  const parsed = typeof notation === 'string' ? parseNotation(notation, options) : notation;
  return parsed.groups.flatMap((group, groupIndex) =>
    group.terms.flatMap((term, termIndex) =>
      term.kind === 'dice'
        ? Array.from({ length: term.count }, () => ({ group: groupIndex, term: termIndex, sides: term.sides }))
        : [],
    ),
  );
}

/**
 * Checks that `faces` fit a notation: one integer per die, in notation order, each from 1 to its die's sides. The
 * notation's constants have no face. Throws DiceResultsError with the path `faces` (count) or `faces.<i>` (range).
 */
export function checkFaces(notation: string | ParsedRoll, faces: readonly unknown[], options?: DiceOptions): void {
  const dice = expectedDice(notation, options);
  const text = typeof notation === 'string' ? notation : formatNotation(notation);
  if (faces.length !== dice.length) {
    throw new DiceResultsError(
      `"${text.slice(0, 80)}" rolls ${dice.length} ${dice.length === 1 ? 'die' : 'dice'}, got ${faces.length} faces`,
      'faces',
    );
  }
  faces.forEach((face, index) => {
    const { sides } = dice[index];
    if (typeof face !== 'number' || !Number.isInteger(face) || face < 1 || face > sides) {
      throw new DiceResultsError(
        `must be an integer from 1 to ${sides} (a d${sides} of "${text.slice(0, 80)}")`,
        `faces.${index}`,
      );
    }
  });
}

/** Every face of a roll in order (all groups, all terms, dropped ones included). */
export function facesOf(result: RollResult): number[] {
  return result.groups.flatMap((group) => group.terms.flatMap((term) => (term.kind === 'dice' ? term.faces : [])));
}

/**
 * Rebuilds a roll (typically TaleSpire's report, whose terms may come in any order) in the term order of the notation
 * it was rolled for: per group, each dice term of the notation takes the next faces of a reported term with the same
 * sign and sides; the notation's constants replace the reported ones. Totals are unchanged when the roll matches
 * the notation (check that first with `validateResultsGroups`); throws DiceResultsError when it does not.
 */
export function alignToNotation(result: RollResult, notation: string | ParsedRoll, options?: DiceOptions): RollResult {
  const parsed = typeof notation === 'string' ? parseNotation(notation, options) : notation;
  if (parsed.groups.length !== result.groups.length) {
    throw new DiceResultsError(`expected ${parsed.groups.length} groups, got ${result.groups.length}`, 'resultsGroups');
  }
  const groups = parsed.groups.map((group, index): RolledGroup => {
    const pool = new Map<string, number[]>();
    for (const term of result.groups[index].terms) {
      if (term.kind !== 'dice') continue;
      const key = `${term.sign}${term.sides}`;
      pool.set(key, [...(pool.get(key) ?? []), ...term.faces]);
    }
    const terms = group.terms.map((term) => {
      if (term.kind === 'modifier') return { ...term, sum: term.value };
      const available = pool.get(`${term.sign}${term.sides}`) ?? [];
      if (available.length < term.count) {
        throw new DiceResultsError(
          `does not have the ${term.count}d${term.sides} of the notation`,
          `resultsGroups[${index}]`,
        );
      }
      const faces = available.splice(0, term.count);
      const sum = faces.reduce((total, face) => total + face, 0);
      return {
        kind: 'dice',
        sign: term.sign,
        count: term.count,
        sides: term.sides,
        faces,
        dropped: [],
        sum,
      } satisfies RolledDiceTerm;
    });
    const total = terms.reduce((sum, term) => sum + (term.sign === '-' ? -term.sum : term.sum), 0);
    const name = result.groups[index].name ?? group.name;
    return name === undefined ? { terms, total } : { name, terms, total };
  });
  const named = parsed.groups.map((group, index) => {
    const name = groups[index].name;
    return name === undefined ? { terms: group.terms } : { name, terms: group.terms };
  });
  return {
    notation: formatNotation({ groups: named }),
    source: result.source,
    groups,
    total: groups.reduce((sum, group) => sum + group.total, 0),
  };
}
