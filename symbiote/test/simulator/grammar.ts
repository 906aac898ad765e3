/**
 * TaleSpire's roll-string grammar as the reference states it: groups separated by `/`, each
 * `[name:][+|-][count]d<sides>[+N|-N]` with chained terms (`d8+5d6+2d4+2`), case-insensitive; a count of 0 is
 * invalid, an omitted count is 1; dice d4, d6, d8, d10, d12, d20, d100.
 */
/** A call TaleSpire refuses (the page sees a plain `{ cause }` object, like the real API's rejections). */
export class Refusal extends Error {
  constructor(override readonly cause: string) {
    super(cause);
    this.name = 'Refusal';
  }
}

export const SIDES = [4, 6, 8, 10, 12, 20, 100];
/** Not published by TaleSpire; the simulator refuses more dice than this in one term. */
export const MAX_DIE_COUNT = 100;

export type Term = { sign: 1 | -1; count: number; sides: number } | { sign: 1 | -1; value: number };
export interface ParsedGroup {
  name: string;
  terms: Term[];
}

const TERM = /([+-]?)(?:(\d*)d(\d+)|(\d+))/giy;

/** Parses one group (without its `name:` prefix handled by the caller); throws the TaleSpire cause. */
export function parseGroup(text: string, name = ''): ParsedGroup {
  const body = text.replace(/\s+/g, '');
  if (body === '') throw new Refusal('foundEmptyDiceGroup');
  const terms: Term[] = [];
  TERM.lastIndex = 0;
  let at = 0;
  while (at < body.length) {
    TERM.lastIndex = at;
    const match = TERM.exec(body);
    if (!match || match[0] === '' || (at > 0 && !match[1])) throw new Refusal('invalidRollString');
    const sign = match[1] === '-' ? -1 : 1;
    if (match[3] !== undefined) {
      const count = match[2] === '' ? 1 : Number(match[2]);
      const sides = Number(match[3]);
      if (!SIDES.includes(sides)) throw new Refusal('unsupportedSidesCount');
      if (count < 1 || count > MAX_DIE_COUNT) throw new Refusal('unsupportedDieCount');
      terms.push({ sign, count, sides });
    } else terms.push({ sign, value: Number(match[4]) });
    at = TERM.lastIndex;
  }
  if (!terms.some((term) => 'sides' in term)) throw new Refusal('noDiceSpecified');
  return { name, terms };
}

/** A whole roll string (`Attack:1d20+5/2d6`) as named groups. */
export function parseRollString(text: string): ParsedGroup[] {
  return text.split('/').map((part) => {
    const colon = part.indexOf(':');
    return colon >= 0 ? parseGroup(part.slice(colon + 1), part.slice(0, colon)) : parseGroup(part);
  });
}
