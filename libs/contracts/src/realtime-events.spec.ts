import { describe, expect, it } from '@jest/globals';
import {
  isClientMessageError,
  isRealtimeEventType,
  parseClientMessage,
  REALTIME_EVENT_TYPES,
  REALTIME_LIMITS,
  type AnyGroupEvent,
  type ClientMessage,
} from './realtime-events.js';

const G1 = '0b7e6a52-3c4d-4e5f-8a9b-1c2d3e4f5a6b';
const G2 = 'f0e1d2c3-b4a5-4968-8776-655443322110';

function ok(input: unknown): ClientMessage {
  const result = parseClientMessage(input);
  if (isClientMessageError(result)) throw new Error(`expected a message, got error: ${result.error}`);
  return result;
}

function refused(input: unknown): string {
  const result = parseClientMessage(input);
  if (!isClientMessageError(result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('parseClientMessage', () => {
  it('parses subscribe with and without lastSeq, from text or a parsed value', () => {
    const text = JSON.stringify({ type: 'subscribe', groups: [{ groupId: G1, lastSeq: 41 }, { groupId: G2 }] });
    const expected = { type: 'subscribe', groups: [{ groupId: G1, lastSeq: 41 }, { groupId: G2 }] };
    expect(ok(text)).toEqual(expected);
    expect(ok(JSON.parse(text))).toEqual(expected);
    expect(ok({ type: 'subscribe', groups: [{ groupId: G1, lastSeq: 0 }] })).toEqual({
      type: 'subscribe',
      groups: [{ groupId: G1, lastSeq: 0 }],
    });
  });

  it('parses unsubscribe and ping', () => {
    expect(ok({ type: 'unsubscribe', groupIds: [G1, G2] })).toEqual({ type: 'unsubscribe', groupIds: [G1, G2] });
    expect(ok('{"type":"ping"}')).toEqual({ type: 'ping' });
  });

  it('normalises group ids to lower case and returns a fresh object', () => {
    const input = { type: 'unsubscribe', groupIds: [G1.toUpperCase()] };
    const result = ok(input);
    expect(result).toEqual({ type: 'unsubscribe', groupIds: [G1] });
    expect(result).not.toBe(input);
  });

  it.each([
    ['invalid JSON', '{"type":', 'message is not valid JSON'],
    ['a JSON array', '[]', 'message must be a JSON object'],
    ['a JSON string', '"ping"', 'message must be a JSON object'],
    ['null', null, 'message must be a JSON object'],
    ['a number', 42, 'message must be a JSON object'],
    ['an unknown type', { type: 'publish' }, 'type must be one of subscribe, unsubscribe, ping'],
    ['a missing type', {}, 'type must be one of'],
    ['a non-string type', { type: ['ping'] }, 'type must be one of'],
    ['extra fields on ping', { type: 'ping', at: 1 }, 'message has an unknown field "at"'],
    ['groups not an array', { type: 'subscribe', groups: { groupId: G1 } }, 'groups must be an array'],
    ['empty groups', { type: 'subscribe', groups: [] }, 'groups must not be empty'],
    ['a group that is not an object', { type: 'subscribe', groups: [G1] }, 'groups[0] must be an object'],
    ['a bad group id', { type: 'subscribe', groups: [{ groupId: 'abc' }] }, 'groups[0].groupId must be a UUID'],
    ['a numeric group id', { type: 'subscribe', groups: [{ groupId: 7 }] }, 'groups[0].groupId must be a UUID'],
    ['SQL in a group id', { type: 'subscribe', groups: [{ groupId: `${G1}' OR 1=1 --` }] }, 'must be a UUID'],
    [
      'a negative lastSeq',
      { type: 'subscribe', groups: [{ groupId: G1, lastSeq: -1 }] },
      'lastSeq must be a non-negative integer',
    ],
    [
      'a fractional lastSeq',
      { type: 'subscribe', groups: [{ groupId: G1, lastSeq: 1.5 }] },
      'lastSeq must be a non-negative integer',
    ],
    [
      'a string lastSeq',
      { type: 'subscribe', groups: [{ groupId: G1, lastSeq: '4' }] },
      'lastSeq must be a non-negative integer',
    ],
    [
      'a null lastSeq',
      { type: 'subscribe', groups: [{ groupId: G1, lastSeq: null }] },
      'lastSeq must be a non-negative integer',
    ],
    [
      'an unsafe lastSeq',
      { type: 'subscribe', groups: [{ groupId: G1, lastSeq: 2 ** 53 }] },
      'lastSeq must be a non-negative integer',
    ],
    [
      'extra fields in a group',
      { type: 'subscribe', groups: [{ groupId: G1, admin: true }] },
      'groups[0] has an unknown field "admin"',
    ],
    [
      'duplicate groups',
      { type: 'subscribe', groups: [{ groupId: G1 }, { groupId: G1.toUpperCase() }] },
      'groups[1].groupId is a duplicate',
    ],
    ['groupIds not an array', { type: 'unsubscribe', groupIds: G1 }, 'groupIds must be an array'],
    ['a bad id in groupIds', { type: 'unsubscribe', groupIds: [G1, {}] }, 'groupIds[1] must be a UUID'],
    ['duplicate groupIds', { type: 'unsubscribe', groupIds: [G1, G1] }, 'groupIds[1] is a duplicate'],
    [
      'a class instance',
      new (class Msg {
        type = 'ping';
      })(),
      'message must be a JSON object',
    ],
  ])('refuses %s', (_label, input, message) => {
    expect(refused(input)).toContain(message);
  });

  it('refuses huge arrays and huge messages', () => {
    const groups = Array.from({ length: REALTIME_LIMITS.maxGroupsPerMessage + 1 }, () => ({ groupId: G1 }));
    expect(refused({ type: 'subscribe', groups })).toBe('groups has too many entries (max 100)');
    expect(refused({ type: 'unsubscribe', groupIds: new Array(1_000_000).fill(G1) })).toContain('too many entries');
    const hugeText = JSON.stringify({ type: 'unsubscribe', groupIds: new Array(1000).fill(G1) });
    expect(refused(hugeText)).toBe('message too large (max 16384 characters)');
    expect(refused(' '.repeat(REALTIME_LIMITS.maxMessageChars + 1))).toContain('message too large');
  });

  it('accepts exactly the maximum number of groups', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const result = ok({ type: 'subscribe', groups: ids.map((groupId) => ({ groupId })) });
    expect(result.type === 'subscribe' && result.groups).toHaveLength(100);
  });

  it('refuses __proto__ keys instead of merging them', () => {
    expect(refused('{"type":"ping","__proto__":{"polluted":true}}')).toBe('message has an unknown field "__proto__"');
    expect(refused(`{"type":"subscribe","groups":[{"groupId":"${G1}","__proto__":{"lastSeq":5}}]}`)).toBe(
      'groups[0] has an unknown field "__proto__"',
    );
    expect(refused('{"__proto__":{"type":"ping"}}')).toContain('type must be one of');
    expect(
      refused(`{"type":"subscribe","groups":[{"groupId":"${G1}","constructor":{"prototype":{"x":1}}}]}`),
    ).toContain('unknown field "constructor"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts null-prototype objects', () => {
    const message = Object.assign(Object.create(null) as Record<string, unknown>, { type: 'ping' });
    expect(ok(message)).toEqual({ type: 'ping' });
  });
});

describe('realtime event map', () => {
  it('lists every event type once', () => {
    expect(REALTIME_EVENT_TYPES).toHaveLength(14);
    expect(new Set(REALTIME_EVENT_TYPES).size).toBe(14);
    expect(REALTIME_EVENT_TYPES).toContain('plugin.state_changed');
    expect(isRealtimeEventType('roll.created')).toBe(true);
    expect(isRealtimeEventType('toString')).toBe(false);
    expect(isRealtimeEventType('__proto__')).toBe(false);
    expect(isRealtimeEventType(1)).toBe(false);
  });

  it('narrows the payload by type', () => {
    const event: AnyGroupEvent = {
      groupId: G1,
      seq: 3,
      type: 'character.resource_changed',
      payload: { characterId: G2, resource: 'hp', value: 7, delta: -5, version: 12, changedBy: G1 },
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const summarise = (e: AnyGroupEvent): string => {
      switch (e.type) {
        case 'character.resource_changed':
          return `${e.payload.resource} ${e.payload.delta}`;
        default:
          return e.type;
      }
    };
    expect(summarise(event)).toBe('hp -5');
  });
});
