import { DiceResultsError } from './errors.js';
import { DICE_LIMITS, resolveMaxDice, type DiceOptions } from './limits.js';
import {
  formatNotation,
  parseNotation,
  TALESPIRE_DICE,
  type NotationGroup,
  type ParsedRoll,
  type Sign,
} from './notation.js';
import type { RolledGroup, RolledTerm, RollResult } from './roll.js';

/** TaleSpire operator node: applies `operator` left to right over its operands (binary in practice). */
export interface ResultOperatorNode {
  operator: '+' | '-';
  operands: ResultNode[];
}

/** TaleSpire dice node: one die type (`kind` 'd20') and its face values. */
export interface ResultDiceNode {
  kind: string;
  results: number[];
}

/** TaleSpire static modifier node. */
export interface ResultValueNode {
  value: number;
}

/** A node of a TaleSpire result tree. */
export type ResultNode = ResultOperatorNode | ResultDiceNode | ResultValueNode;

/** One group of a TaleSpire `rollResults` payload (`resultsGroups[i]`). */
export interface RollResultsGroup {
  name: string;
  result: ResultNode;
}

/** Group totals recomputed from the faces; any total a client sends is ignored. */
export interface ValidatedResults {
  groups: { name: string; total: number }[];
  total: number;
}

/** Limits on a client-reported result tree, beyond the notation limits (dice count, modifier size). */
export const TALESPIRE_RESULT_LIMITS = {
  maxGroups: DICE_LIMITS.maxGroups,
  maxDepth: 32,
  maxNodes: 256,
  maxNameLength: 200,
} as const;

/** A flattened leaf of a result tree with its effective sign. */
type Leaf =
  { kind: 'dice'; sign: Sign; sides: number; faces: number[] } | { kind: 'modifier'; sign: Sign; value: number };

/** Computes a group's total the way TaleSpire does, honouring '-'; throws DiceResultsError on a malformed tree. */
export function evaluateResultsGroup(group: RollResultsGroup, options?: DiceOptions): number {
  return sumLeaves(readGroup(group, 'group', new Budget(resolveMaxDice(options))).leaves);
}

/**
 * Checks the shape and ranges of client-reported TaleSpire results (and, if given, that they match the
 * notation that was requested) and returns totals recomputed from the faces. Throws DiceResultsError.
 */
export function validateResultsGroups(
  groups: unknown,
  expectedNotation?: string | ParsedRoll,
  options?: DiceOptions,
): ValidatedResults {
  const read = readGroups(groups, options);
  if (expectedNotation !== undefined) checkMatches(read, expectedNotation, options);
  const totals = read.map((group) => ({ name: group.name, total: sumLeaves(group.leaves) }));
  return { groups: totals, total: totals.reduce((sum, group) => sum + group.total, 0) };
}

/** Validates TaleSpire results and converts them to our RollResult shape (source 'talespire'). */
export function toDiceTerms(groups: unknown, options?: DiceOptions): RollResult {
  const rolled = readGroups(groups, options).map((group): RolledGroup => {
    const terms = group.leaves.map((leaf): RolledTerm => {
      if (leaf.kind === 'modifier') return { ...leaf, sum: leaf.value };
      const sum = leaf.faces.reduce((total, face) => total + face, 0);
      return {
        kind: 'dice',
        sign: leaf.sign,
        count: leaf.faces.length,
        sides: leaf.sides,
        faces: leaf.faces,
        dropped: [],
        sum,
      };
    });
    const name = cleanName(group.name);
    const total = sumLeaves(group.leaves);
    return name === '' ? { terms, total } : { name, terms, total };
  });
  const notation = formatNotation({
    groups: rolled.map((group): NotationGroup => {
      const terms = group.terms.map((term) =>
        term.kind === 'dice'
          ? { kind: 'dice' as const, sign: term.sign, count: term.count, sides: term.sides }
          : { kind: 'modifier' as const, sign: term.sign, value: term.value },
      );
      return group.name === undefined ? { terms } : { name: group.name, terms };
    }),
  });
  return { notation, source: 'talespire', groups: rolled, total: rolled.reduce((sum, group) => sum + group.total, 0) };
}

/** Counts nodes and dice across a whole payload, so hostile input is refused early. */
class Budget {
  nodes = 0;
  dice = 0;
  constructor(readonly maxDice: number) {}
}

interface ReadGroup {
  name: string;
  leaves: Leaf[];
}

function readGroups(groups: unknown, options: DiceOptions | undefined): ReadGroup[] {
  if (!Array.isArray(groups)) throw new DiceResultsError('must be an array', 'resultsGroups');
  if (groups.length === 0) throw new DiceResultsError('must not be empty', 'resultsGroups');
  if (groups.length > TALESPIRE_RESULT_LIMITS.maxGroups) {
    throw new DiceResultsError(`too many groups (max ${TALESPIRE_RESULT_LIMITS.maxGroups})`, 'resultsGroups');
  }
  const budget = new Budget(resolveMaxDice(options));
  return groups.map((group: unknown, index) => readGroup(group, `resultsGroups[${index}]`, budget));
}

function readGroup(group: unknown, path: string, budget: Budget): ReadGroup {
  if (!isRecord(group)) throw new DiceResultsError('must be an object', path);
  const name = own(group, 'name');
  if (typeof name !== 'string') throw new DiceResultsError('must be a string', `${path}.name`);
  if (name.length > TALESPIRE_RESULT_LIMITS.maxNameLength) {
    throw new DiceResultsError(`too long (max ${TALESPIRE_RESULT_LIMITS.maxNameLength} characters)`, `${path}.name`);
  }
  const leaves: Leaf[] = [];
  readNode(own(group, 'result'), `${path}.result`, '+', 0, budget, leaves);
  if (!leaves.some((leaf) => leaf.kind === 'dice')) throw new DiceResultsError('contains no dice', `${path}.result`);
  return { name, leaves };
}

function readNode(node: unknown, path: string, sign: Sign, depth: number, budget: Budget, leaves: Leaf[]): void {
  if (depth > TALESPIRE_RESULT_LIMITS.maxDepth) {
    throw new DiceResultsError(`nested too deeply (max ${TALESPIRE_RESULT_LIMITS.maxDepth})`, path);
  }
  if (++budget.nodes > TALESPIRE_RESULT_LIMITS.maxNodes) {
    throw new DiceResultsError(`too many nodes (max ${TALESPIRE_RESULT_LIMITS.maxNodes})`, path);
  }
  if (!isRecord(node)) throw new DiceResultsError('must be an object', path);
  if (Object.hasOwn(node, 'operator')) return readOperator(node, path, sign, depth, budget, leaves);
  if (Object.hasOwn(node, 'kind')) return void leaves.push(readDice(node, path, sign, budget));
  if (Object.hasOwn(node, 'value')) return void leaves.push(readValue(node, path, sign));
  throw new DiceResultsError("must have 'operator', 'kind' or 'value'", path);
}

function readOperator(
  node: Record<string, unknown>,
  path: string,
  sign: Sign,
  depth: number,
  budget: Budget,
  leaves: Leaf[],
): void {
  const operator = own(node, 'operator');
  if (operator !== '+' && operator !== '-') throw new DiceResultsError("must be '+' or '-'", `${path}.operator`);
  const operands = own(node, 'operands');
  if (!Array.isArray(operands) || operands.length === 0) {
    throw new DiceResultsError('must be a non-empty array', `${path}.operands`);
  }
  if (operands.length > TALESPIRE_RESULT_LIMITS.maxNodes) {
    throw new DiceResultsError(`too many nodes (max ${TALESPIRE_RESULT_LIMITS.maxNodes})`, `${path}.operands`);
  }
  const flipped: Sign = sign === '+' ? '-' : '+';
  operands.forEach((operand: unknown, index) => {
    // `a - b - c` subtracts every operand after the first; a lone operand under '-' is negated.
    const negate = operator === '-' && (index > 0 || operands.length === 1);
    readNode(operand, `${path}.operands[${index}]`, negate ? flipped : sign, depth + 1, budget, leaves);
  });
}

function readDice(node: Record<string, unknown>, path: string, sign: Sign, budget: Budget): Leaf {
  const kind = own(node, 'kind');
  const match = typeof kind === 'string' ? /^d(\d{1,3})$/i.exec(kind) : null;
  const sides = match ? Number(match[1]) : NaN;
  if (!TALESPIRE_DICE.includes(sides)) {
    throw new DiceResultsError(`unknown dice kind ${JSON.stringify(String(kind).slice(0, 20))}`, `${path}.kind`);
  }
  const results = own(node, 'results');
  if (!Array.isArray(results) || results.length === 0) {
    throw new DiceResultsError('must be a non-empty array', `${path}.results`);
  }
  budget.dice += results.length;
  if (budget.dice > budget.maxDice)
    throw new DiceResultsError(`too many dice (max ${budget.maxDice})`, `${path}.results`);
  const faces = results.map((face: unknown, index) => {
    if (typeof face !== 'number' || !Number.isInteger(face) || face < 1 || face > sides) {
      throw new DiceResultsError(`face must be an integer from 1 to ${sides}`, `${path}.results[${index}]`);
    }
    return face;
  });
  return { kind: 'dice', sign, sides, faces };
}

function readValue(node: Record<string, unknown>, path: string, sign: Sign): Leaf {
  const value = own(node, 'value');
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > DICE_LIMITS.maxModifier) {
    throw new DiceResultsError(`must be an integer with |value| <= ${DICE_LIMITS.maxModifier}`, `${path}.value`);
  }
  if (value >= 0) return { kind: 'modifier', sign, value };
  return { kind: 'modifier', sign: sign === '+' ? '-' : '+', value: -value };
}

/** Compares dice counts per (sign, die) and the net modifier of each group with the expected notation. */
function checkMatches(
  read: ReadGroup[],
  expectedNotation: string | ParsedRoll,
  options: DiceOptions | undefined,
): void {
  const expected = parseNotation(
    typeof expectedNotation === 'string' ? expectedNotation : formatNotation(expectedNotation),
    options,
  );
  if (expected.groups.length !== read.length) {
    throw new DiceResultsError(`expected ${expected.groups.length} groups, got ${read.length}`, 'resultsGroups');
  }
  expected.groups.forEach((group, index) => {
    const want = signature(
      group.terms.map((term) =>
        term.kind === 'dice'
          ? { kind: 'dice' as const, sign: term.sign, sides: term.sides, faces: new Array<number>(term.count).fill(1) }
          : term,
      ),
    );
    if (group.terms.some((term) => term.kind === 'dice' && term.keep)) {
      throw new DiceResultsError('the expected notation uses keep rules, which TaleSpire cannot roll', 'resultsGroups');
    }
    const got = signature(read[index].leaves);
    if (want !== got) {
      throw new DiceResultsError(
        `does not match the expected notation (${want} expected, got ${got})`,
        `resultsGroups[${index}]`,
      );
    }
  });
}

/** A canonical description of a group's dice and net modifier, e.g. `+2d6 -1d4 +3`. */
function signature(leaves: readonly Leaf[]): string {
  const dice = new Map<string, number>();
  let modifier = 0;
  for (const leaf of leaves) {
    if (leaf.kind === 'modifier') modifier += leaf.sign === '-' ? -leaf.value : leaf.value;
    else dice.set(`${leaf.sign}d${leaf.sides}`, (dice.get(`${leaf.sign}d${leaf.sides}`) ?? 0) + leaf.faces.length);
  }
  const parts = [...dice.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, count]) => `${key[0]}${count}${key.slice(1)}`);
  return [...parts, modifier >= 0 ? `+${modifier}` : `${modifier}`].join(' ');
}

function sumLeaves(leaves: readonly Leaf[]): number {
  return leaves.reduce((total, leaf) => {
    const value = leaf.kind === 'modifier' ? leaf.value : leaf.faces.reduce((sum, face) => sum + face, 0);
    return leaf.sign === '-' ? total - value : total + value;
  }, 0);
}

/** Group names become part of a notation: drop the characters the grammar reserves and cap the length. */
function cleanName(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
      .replace(/[/:\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .slice(0, DICE_LIMITS.maxNameLength)
      .trim()
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads only own properties, so nothing is picked up from a prototype. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
