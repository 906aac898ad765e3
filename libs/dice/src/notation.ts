import { DiceNotationError } from './errors.js';
import { DICE_LIMITS, resolveMaxDice, type DiceOptions } from './limits.js';

/** The sign a term is added with. */
export type Sign = '+' | '-';

/** Keep the highest or lowest `n` dice of a term (`4d6kh3`, `2d20kl1`). */
export interface KeepRule {
  mode: 'highest' | 'lowest';
  n: number;
}

/** `[count]d<sides>[kh|kl n]`, added or subtracted. */
export interface DiceTerm {
  kind: 'dice';
  sign: Sign;
  count: number;
  sides: number;
  keep?: KeepRule;
}

/** A constant, added or subtracted; `value` is never negative (the sign carries it). */
export interface ModifierTerm {
  kind: 'modifier';
  sign: Sign;
  value: number;
}

/** One term of a group. */
export type NotationTerm = DiceTerm | ModifierTerm;

/** One `/`-separated group, optionally named (`Attack:1d20+5`). */
export interface NotationGroup {
  name?: string;
  terms: NotationTerm[];
}

/** A parsed roll notation. */
export interface ParsedRoll {
  groups: NotationGroup[];
}

/** The dice TaleSpire's tray can roll. */
export const TALESPIRE_DICE: readonly number[] = [4, 6, 8, 10, 12, 20, 100];

/** Parses a TaleSpire roll string (plus keep highest/lowest) and enforces the limits; throws DiceNotationError. */
export function parseNotation(text: string, options?: DiceOptions): ParsedRoll {
  const maxDice = resolveMaxDice(options);
  if (typeof text !== 'string') throw new DiceNotationError('notation must be a string', 0);
  if (text.length > DICE_LIMITS.maxLength) {
    throw new DiceNotationError(
      `notation too long (max ${DICE_LIMITS.maxLength} characters)`,
      DICE_LIMITS.maxLength,
      'limit',
    );
  }
  if (text.trim() === '') throw new DiceNotationError('empty notation', 0);
  const parser = new Parser(text);
  const groups: NotationGroup[] = [];
  let diceSoFar = 0;
  for (;;) {
    if (groups.length === DICE_LIMITS.maxGroups) {
      throw new DiceNotationError(`too many roll groups (max ${DICE_LIMITS.maxGroups})`, parser.pos, 'limit');
    }
    const group = parser.group(maxDice - diceSoFar, maxDice);
    diceSoFar += group.terms.reduce((sum, term) => sum + (term.kind === 'dice' ? term.count : 0), 0);
    groups.push(group);
    if (parser.atEnd()) return { groups };
    parser.pos++; // the '/' that ended the group
  }
}

/** Writes a parsed roll in normal form: `Name:1d20+5/2d6kh1-1`. */
export function formatNotation(parsed: ParsedRoll): string {
  return parsed.groups
    .map((group) => {
      const body = group.terms
        .map((term, index) => {
          const sign = term.sign === '-' ? '-' : index === 0 ? '' : '+';
          if (term.kind === 'modifier') return `${sign}${term.value}`;
          const keep = term.keep ? `k${term.keep.mode === 'highest' ? 'h' : 'l'}${term.keep.n}` : '';
          return `${sign}${term.count}d${term.sides}${keep}`;
        })
        .join('');
      return group.name === undefined ? body : `${group.name}:${body}`;
    })
    .join('/');
}

/** Whether a notation can go in TaleSpire's tray as is: valid, standard dice only, no keep rules. */
export function isTaleSpireCompatible(notation: string | ParsedRoll): boolean {
  let parsed: ParsedRoll;
  try {
    parsed = typeof notation === 'string' ? parseNotation(notation) : parseNotation(formatNotation(notation));
  } catch {
    return false;
  }
  return parsed.groups.every((group) =>
    group.terms.every((term) => term.kind === 'modifier' || (TALESPIRE_DICE.includes(term.sides) && !term.keep)),
  );
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f]/;

/** A hand-written recursive-descent parser over the whole string, so error positions are absolute. */
class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** Parses `[name:]term(('+'|'-')term)*` up to the next '/' or the end. */
  group(diceLeft: number, maxDice: number): NotationGroup {
    const end = this.groupEnd();
    const name = this.groupName(end);
    const terms: NotationTerm[] = [];
    let sign: Sign = '+';
    this.skipSpace();
    if (this.peek() === '+' || this.peek() === '-') {
      sign = this.peek() as Sign;
      this.pos++;
    }
    for (;;) {
      this.skipSpace();
      const start = this.pos;
      const term = this.term(sign, end, maxDice);
      if (term.kind === 'dice') {
        diceLeft -= term.count;
        if (diceLeft < 0) throw new DiceNotationError(`too many dice (max ${maxDice})`, start, 'limit');
      }
      terms.push(term);
      this.skipSpace();
      if (this.pos >= end) break;
      const next = this.peek();
      if (next !== '+' && next !== '-') throw this.syntax(`expected '+', '-' or '/' but found '${next}'`);
      sign = next;
      this.pos++;
    }
    if (!terms.some((term) => term.kind === 'dice')) {
      throw new DiceNotationError('a roll group needs at least one die', this.pos, 'syntax');
    }
    return name === undefined ? { terms } : { name, terms };
  }

  private groupEnd(): number {
    const slash = this.text.indexOf('/', this.pos);
    return slash === -1 ? this.text.length : slash;
  }

  private groupName(end: number): string | undefined {
    const colon = this.text.indexOf(':', this.pos);
    if (colon === -1 || colon >= end) return undefined;
    const name = this.text.slice(this.pos, colon).trim();
    if (name === '') throw this.syntax('empty group name before ":"');
    if (name.length > DICE_LIMITS.maxNameLength) {
      throw new DiceNotationError(
        `group name too long (max ${DICE_LIMITS.maxNameLength} characters)`,
        this.pos,
        'limit',
      );
    }
    if (NAME_FORBIDDEN.test(name)) throw this.syntax('group name contains a control character');
    this.pos = colon + 1;
    return name;
  }

  private term(sign: Sign, end: number, maxDice: number): NotationTerm {
    this.skipSpace();
    const start = this.pos;
    if (this.pos >= end) throw this.syntax('expected a die or a number');
    const count = this.integer();
    this.skipSpace();
    if (this.peek().toLowerCase() !== 'd') {
      if (count === undefined) throw this.syntax(`expected a die or a number but found '${this.peek()}'`);
      if (count > DICE_LIMITS.maxModifier) {
        throw new DiceNotationError(`modifier too large (max ${DICE_LIMITS.maxModifier})`, start, 'limit');
      }
      return { kind: 'modifier', sign, value: count };
    }
    this.pos++;
    if (count === 0) throw new DiceNotationError('dice count must be at least 1', start, 'syntax');
    if (count !== undefined && count > maxDice) {
      throw new DiceNotationError(`too many dice (max ${maxDice})`, start, 'limit');
    }
    this.skipSpace();
    const sidesAt = this.pos;
    const sides = this.integer();
    if (sides === undefined) throw this.syntax("expected the number of sides after 'd'");
    if (sides < DICE_LIMITS.minSides || sides > DICE_LIMITS.maxSides) {
      throw new DiceNotationError(
        `a die must have ${DICE_LIMITS.minSides} to ${DICE_LIMITS.maxSides} sides`,
        sidesAt,
        'limit',
      );
    }
    const term: DiceTerm = { kind: 'dice', sign, count: count ?? 1, sides };
    const keep = this.keep(term.count);
    return keep ? { ...term, keep } : term;
  }

  private keep(count: number): KeepRule | undefined {
    this.skipSpace();
    if (this.peek().toLowerCase() !== 'k') return undefined;
    const start = this.pos++;
    let mode: KeepRule['mode'] = 'highest';
    const letter = this.peek().toLowerCase();
    if (letter === 'h' || letter === 'l') {
      mode = letter === 'h' ? 'highest' : 'lowest';
      this.pos++;
    }
    this.skipSpace();
    const n = this.integer();
    if (n === undefined) throw this.syntax("expected how many dice to keep after 'k'");
    if (n < 1 || n > count) {
      throw new DiceNotationError(`keep count must be between 1 and the number of dice (${count})`, start, 'limit');
    }
    return { mode, n };
  }

  /** Reads digits; huge values stay huge (never wrap) and are refused by the callers' limits. */
  private integer(): number | undefined {
    const start = this.pos;
    while (
      this.pos < this.text.length &&
      this.text.charCodeAt(this.pos) >= 48 &&
      this.text.charCodeAt(this.pos) <= 57
    ) {
      this.pos++;
    }
    if (this.pos === start) return undefined;
    return Number(this.text.slice(start, this.pos));
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private syntax(message: string): DiceNotationError {
    return new DiceNotationError(`${message} at position ${this.pos}`, this.pos, 'syntax');
  }
}
