import { DiceNotationError } from './errors.js';
import type { DiceOptions } from './limits.js';
import { formatNotation, parseNotation, type KeepRule, type ParsedRoll, type Sign } from './notation.js';
import { cryptoRandom, type RandomSource } from './random.js';

/** Dice rolled for one term: every face in roll order, and the indices of faces dropped by a keep rule. */
export interface RolledDiceTerm {
  kind: 'dice';
  sign: Sign;
  count: number;
  sides: number;
  keep?: KeepRule;
  faces: number[];
  dropped: number[];
  /** Sum of the kept faces, before the sign. */
  sum: number;
}

/** A constant term; `sum` equals `value` (before the sign). */
export interface RolledModifierTerm {
  kind: 'modifier';
  sign: Sign;
  value: number;
  sum: number;
}

/** One rolled term. */
export type RolledTerm = RolledDiceTerm | RolledModifierTerm;

/** One rolled group and its total (signs applied). */
export interface RolledGroup {
  name?: string;
  terms: RolledTerm[];
  total: number;
}

/** Who produced the faces: our RandomSource, or TaleSpire's tray (client-reported). */
export type RollResultSource = 'rng' | 'talespire';

/** A finished roll: the normalised notation, every group, and the sum of the group totals. */
export interface RollResult {
  notation: string;
  source: RollResultSource;
  groups: RolledGroup[];
  total: number;
}

/** Rolls a notation (text or parsed; parsed input is re-validated) with `rng` (default: cryptoRandom). */
export function rollNotation(
  input: ParsedRoll | string,
  rng: RandomSource = cryptoRandom,
  options?: DiceOptions,
): RollResult {
  const parsed = typeof input === 'string' ? parseNotation(input, options) : revalidate(input, options);
  const groups = parsed.groups.map((group): RolledGroup => {
    const terms = group.terms.map((term): RolledTerm => {
      if (term.kind === 'modifier') return { ...term, sum: term.value };
      const faces = Array.from({ length: term.count }, () => rng.int(term.sides) + 1);
      const dropped = term.keep ? droppedIndices(faces, term.keep) : [];
      const sum = faces.reduce((total, face, index) => (dropped.includes(index) ? total : total + face), 0);
      return { ...term, faces, dropped, sum };
    });
    const total = terms.reduce((sum, term) => sum + (term.sign === '-' ? -term.sum : term.sum), 0);
    return group.name === undefined ? { terms, total } : { name: group.name, terms, total };
  });
  return {
    notation: formatNotation(parsed),
    source: 'rng',
    groups,
    total: groups.reduce((sum, group) => sum + group.total, 0),
  };
}

/** Indices of the faces a keep rule drops, ascending; ties keep the earlier die. */
export function droppedIndices(faces: readonly number[], keep: KeepRule): number[] {
  const order = faces
    .map((face, index) => ({ face, index }))
    .sort((a, b) => (keep.mode === 'highest' ? b.face - a.face : a.face - b.face) || a.index - b.index);
  return order
    .slice(keep.n)
    .map((entry) => entry.index)
    .sort((a, b) => a - b);
}

/** A hand-built or deserialised ParsedRoll goes through the parser again, so the limits always hold. */
function revalidate(input: ParsedRoll, options: DiceOptions | undefined): ParsedRoll {
  let text: string;
  try {
    text = formatNotation(input);
  } catch {
    throw new DiceNotationError('not a parsed roll', 0);
  }
  return parseNotation(text, options);
}
