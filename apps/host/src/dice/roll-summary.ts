import type { RollGroupSummary } from '@cm/contracts';
import type { RollResult } from '@cm/dice';

/** The per-group summary of a roll used by the API and the `roll.created` event: dice, net modifier, total. */
export function summarizeRoll(result: RollResult): RollGroupSummary[] {
  return result.groups.map((group) => {
    let modifier = 0;
    const dice = group.terms.flatMap((term) => {
      if (term.kind === 'modifier') {
        modifier += term.sign === '-' ? -term.value : term.value;
        return [];
      }
      return [
        {
          sign: term.sign,
          sides: term.sides,
          faces: [...term.faces],
          ...(term.dropped.length > 0 ? { dropped: [...term.dropped] } : {}),
        },
      ];
    });
    return { ...(group.name === undefined ? {} : { name: group.name }), dice, modifier, total: group.total };
  });
}

/** An opaque page cursor over (created_at with microseconds, id). */
export interface RollCursor {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: RollCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The decoded cursor, or undefined when it is not one this host wrote. */
export function decodeCursor(text: string): RollCursor | undefined {
  const [createdAt, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !id || !TIMESTAMP.test(createdAt) || !UUID.test(id)) return undefined;
  return { createdAt, id };
}
