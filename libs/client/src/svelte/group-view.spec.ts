import { describe, expect, it } from '@jest/globals';
import type { AnyGroupEvent } from '@cm/contracts';
import { FakeServices, settle } from '../../test/fake-services.js';
import { GroupViewState } from './group-view.svelte.js';

const GROUP = '11111111-1111-4111-8111-111111111111';
const CHAR = '22222222-2222-4222-8222-222222222222';
const OTHER = '00000000-0000-4000-8000-000000000002';

function roll(id: string, createdAt = '2026-01-01T10:00:00.000Z') {
  return {
    id,
    groupId: GROUP,
    userId: OTHER,
    characterId: null,
    label: '1d20',
    notation: '1d20',
    total: 12,
    groups: [{ dice: [{ sign: '+' as const, sides: 20, faces: [12] }], modifier: 0, total: 12 }],
    source: 'server' as const,
    outcome: null,
    createdAt,
  };
}

function event(seq: number, type: string, payload: unknown): AnyGroupEvent {
  return { groupId: GROUP, seq, type, payload, createdAt: '2026-01-01T11:00:00.000Z' } as AnyGroupEvent;
}

function fakeGroup(fake: FakeServices): FakeServices {
  return fake
    .on('GET', `/v1/groups/${GROUP}`, () => ({
      status: 200,
      body: {
        id: GROUP,
        name: 'Table',
        description: '',
        rulesetId: 'dsa5e',
        dmUserId: OTHER,
        myRole: 'player',
        eventSeq: 7,
        createdAt: '',
        updatedAt: '',
      },
    }))
    .on('GET', `/v1/groups/${GROUP}/members`, () => ({
      status: 200,
      body: [
        { userId: OTHER, displayName: 'Dora', role: 'dm', joinedAt: '' },
        { userId: fake.user.id, displayName: 'Me', role: 'player', joinedAt: '' },
      ],
    }))
    .on('GET', `/v1/groups/${GROUP}/characters`, () => ({
      status: 200,
      body: [
        {
          characterId: CHAR,
          name: 'Alrik',
          ownerId: fake.user.id,
          ownerDisplayName: 'Me',
          rulesetId: 'dsa5e',
          isActive: true,
          portraitUrl: null,
          assignedAt: '',
          canReadSheet: true,
          resources: [{ id: 'lep', label: 'LeP', value: 21, min: 0, max: 21 }],
        },
      ],
    }))
    .on('GET', `/v1/groups/${GROUP}/rolls`, (_body, url) =>
      url.searchParams.get('cursor') === 'older'
        ? { status: 200, body: { items: [roll('r2'), roll('r1')], nextCursor: null } }
        : { status: 200, body: { items: [roll('r3'), roll('r2')], nextCursor: 'older' } },
    );
}

describe(GroupViewState.name, () => {
  it('loads the group, then watches its events from the seq the read saw', async () => {
    const fake = fakeGroup(new FakeServices());
    const view = new GroupViewState(fake.services(), GROUP);
    await view.load();
    expect(view.status).toBe('ready');
    expect(view.rolls.map((r) => r.id)).toEqual(['r3', 'r2']);
    expect(fake.watchers.get(GROUP)?.[0].lastSeq).toBe(7);
    // The group is read before the lists, so no event between the two reads is lost.
    const reads = fake.requests.map((r) => r.path);
    expect(reads[0]).toBe(`/v1/groups/${GROUP}`);
  });

  it('adds live rolls once (an answer and its event share an id) and pages older rolls without duplicates', async () => {
    const fake = fakeGroup(new FakeServices()).on('POST', `/v1/groups/${GROUP}/rolls`, () => ({
      status: 201,
      body: roll('r5'),
    }));
    const view = new GroupViewState(fake.services(), GROUP);
    await view.load();
    fake.emit(event(8, 'roll.created', roll('r4')));
    fake.emit(event(8, 'roll.created', roll('r4')));
    await view.roll({ notation: '1d20' });
    fake.emit(event(9, 'roll.created', roll('r5')));
    expect(view.rolls.map((r) => r.id)).toEqual(['r5', 'r4', 'r3', 'r2']);
    expect(view.freshRolls).toEqual(['r4']);
    await view.loadOlder();
    expect(view.rolls.map((r) => r.id)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(view.nextCursor).toBeNull();
  });

  it('moves resource bars, presence and membership from events', async () => {
    const fake = fakeGroup(new FakeServices());
    const view = new GroupViewState(fake.services(), GROUP);
    await view.load();
    fake.emit(
      event(8, 'character.resource_changed', {
        characterId: CHAR,
        resource: 'lep',
        value: 16,
        delta: -5,
        version: 3,
        changedBy: OTHER,
      }),
    );
    expect(view.characters[0].resources?.[0].value).toBe(16);
    fake.emit({
      groupId: GROUP,
      type: 'presence.changed',
      payload: { userId: OTHER, online: true },
      createdAt: '2026-01-01T11:00:00.000Z',
    });
    expect(view.members.find((m) => m.userId === OTHER)?.online).toBe(true);
    fake.emit(event(9, 'member.joined', { userId: 'u3', displayName: 'Nora', role: 'player' }));
    expect(view.members.map((m) => m.displayName)).toContain('Nora');
    fake.emit(event(10, 'member.removed', { userId: fake.user.id, removedBy: OTHER }));
    expect(view.status).toBe('removed');
    view.dispose();
  });

  it('reloads everything when the server asks for a resync, and says not_found for a group it cannot see', async () => {
    const fake = fakeGroup(new FakeServices());
    const view = new GroupViewState(fake.services(), GROUP);
    await view.load();
    const before = fake.requests.length;
    await fake.watchers.get(GROUP)?.[0].onResync?.('too_far_behind');
    await settle();
    await settle();
    expect(fake.requests.slice(before).map((r) => r.path)).toContain(`/v1/groups/${GROUP}/rolls`);
    const missing = new GroupViewState(new FakeServices().services(), GROUP);
    await missing.load();
    expect(missing.status).toBe('not_found');
  });
});
