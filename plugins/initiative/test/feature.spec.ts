import { describe, expect, it } from '@jest/globals';
import type { FeatureCharacter, FeatureContext, FeatureResult, JsonValue } from '@cm/ruleset-sdk';
import feature from '../src/feature.js';
import type { Encounter } from '../src/encounter.js';

const dsa: FeatureCharacter = {
  id: 'c1',
  name: 'Alrik',
  ownerId: 'u1',
  rulesetId: 'dsa5e',
  initiative: { label: 'Initiative', diceString: '1d6+12' },
};
const generic: FeatureCharacter = {
  id: 'c2',
  name: 'Aria',
  ownerId: 'u2',
  rulesetId: 'generic',
  initiative: { label: 'Initiative', diceString: '1d20+2' },
};

function context(overrides: Partial<FeatureContext> = {}): FeatureContext {
  return {
    groupId: 'g',
    userId: 'dm',
    isDm: true,
    state: {},
    characters: [dsa, generic],
    entropy: [2, 10, 0, 0, 0, 0],
    ...overrides,
  };
}

/** Runs an action and returns the stored state afterwards (applying null deletes). */
function run(
  action: string,
  input: JsonValue,
  ctx: FeatureContext,
): { result: FeatureResult; state: Record<string, JsonValue> } {
  const result = feature.actions[action](input, ctx);
  const state = { ...ctx.state };
  for (const [key, value] of Object.entries(result.state ?? {})) {
    if (value === null) delete state[key];
    else state[key] = value;
  }
  return { result, state };
}

const encounterOf = (state: Record<string, JsonValue>): Encounter => state.encounter as unknown as Encounter;

describe('initiative feature', () => {
  it('rolls every character with its initiative action and sorts descending', () => {
    const { state } = run('start', null, context());
    const encounter = encounterOf(state);
    expect(encounter).toMatchObject({ active: true, round: 1, turn: 0 });
    // entropy 2 → d6 face 3 → 15; entropy 10 → d20 face 11 → 13
    expect(encounter.combatants.map((c) => [c.name, c.initiative, c.roll])).toEqual([
      ['Alrik', 15, 3],
      ['Aria', 13, 11],
    ]);
  });

  it('breaks ties by the higher base, then by name', () => {
    const a: FeatureCharacter = { ...generic, id: 'a', name: 'Zed', initiative: { label: 'I', diceString: '1d6+10' } };
    const b: FeatureCharacter = { ...generic, id: 'b', name: 'Bob', initiative: { label: 'I', diceString: '1d6+5' } };
    const c: FeatureCharacter = { ...generic, id: 'c', name: 'Amy', initiative: { label: 'I', diceString: '1d6+5' } };
    // faces: a 1 (11), b 6 (11), c 6 (11): a has the higher base; b and c tie completely → by name
    const { state } = run('start', null, context({ characters: [a, b, c], entropy: [0, 5, 5] }));
    expect(encounterOf(state).combatants.map((x) => x.name)).toEqual(['Zed', 'Amy', 'Bob']);
  });

  it('refuses DM actions to players with a forbidden error and no state change', () => {
    for (const action of ['start', 'next', 'previous', 'add', 'remove', 'end']) {
      const { result } = run(
        action,
        { name: 'X', initiative: 1, combatantId: 'x' },
        context({ isDm: false, userId: 'p' }),
      );
      expect(result.error?.code).toBe('forbidden');
      expect(result.state).toBeUndefined();
    }
  });

  it('advances with next and previous, wrapping rounds both ways', () => {
    let { state } = run('start', null, context());
    ({ state } = run('next', null, context({ state })));
    expect(encounterOf(state)).toMatchObject({ round: 1, turn: 1 });
    ({ state } = run('next', null, context({ state })));
    expect(encounterOf(state)).toMatchObject({ round: 2, turn: 0 });
    ({ state } = run('previous', null, context({ state })));
    expect(encounterOf(state)).toMatchObject({ round: 1, turn: 1 });
    ({ state } = run('previous', null, context({ state })));
    ({ state } = run('previous', null, context({ state }))); // round 1, turn 0: cannot go back further
    expect(encounterOf(state)).toMatchObject({ round: 1, turn: 0 });
    expect(run('previous', null, context({ state })).result.error?.code).toBe('conflict');
  });

  it('refuses next without a running encounter', () => {
    expect(run('next', null, context()).result.error?.code).toBe('conflict');
  });

  it('adds a free combatant in order, keeping the turn on the current combatant', () => {
    let { state } = run('start', null, context());
    ({ state } = run('next', null, context({ state }))); // Aria's turn
    ({ state } = run('add', { name: 'Ogre', initiative: 20 }, context({ state })));
    const encounter = encounterOf(state);
    expect(encounter.combatants.map((c) => c.name)).toEqual(['Ogre', 'Alrik', 'Aria']);
    expect(encounter.combatants[encounter.turn].name).toBe('Aria');
    expect(encounter.combatants[0]).toEqual({ id: 'm1', name: 'Ogre', initiative: 20, roll: null });
  });

  it('validates add input', () => {
    for (const input of [
      null,
      { name: '', initiative: 1 },
      { name: 'X', initiative: 1.5 },
      { name: 'X', initiative: 5000 },
      { name: 'x'.repeat(65), initiative: 1 },
    ]) {
      expect(run('add', input, context()).result.error?.code).toBe('invalid_input');
    }
  });

  it('removes a combatant and passes the turn on when it was theirs', () => {
    let { state } = run('start', null, context());
    ({ state } = run('add', { name: 'Ogre', initiative: 1 }, context({ state })));
    ({ state } = run('next', null, context({ state }))); // Aria
    ({ state } = run('remove', { combatantId: 'c:c2' }, context({ state })));
    const encounter = encounterOf(state);
    expect(encounter.combatants.map((c) => c.name)).toEqual(['Alrik', 'Ogre']);
    expect(encounter.combatants[encounter.turn].name).toBe('Ogre');
    expect(run('remove', { combatantId: 'nope' }, context({ state })).result.error?.code).toBe('not_found');
  });

  it('ends the encounter by deleting its state', () => {
    const { state } = run('start', null, context());
    const ended = run('end', null, context({ state }));
    expect(ended.result.state).toEqual({ encounter: null });
    expect(ended.state).toEqual({});
  });

  it('drops combatants of unassigned characters on group events', () => {
    let { state } = run('start', null, context());
    ({ state } = run('next', null, context({ state }))); // Aria's turn
    const result = feature.onGroupEvent!(
      { type: 'character.unassigned', payload: { characterId: 'c1', userId: 'u1' } },
      context({ state, characters: [generic], userId: undefined, isDm: false }),
    );
    const encounter = result.state!.encounter as unknown as Encounter;
    expect(encounter.combatants.map((c) => c.name)).toEqual(['Aria']);
    expect(encounter.turn).toBe(0);
  });

  it('ignores group events that change nothing', () => {
    const { state } = run('start', null, context());
    expect(feature.onGroupEvent!({ type: 'roll.created', payload: {} }, context({ state }))).toEqual({});
    expect(feature.onGroupEvent!({ type: 'member.joined', payload: {} }, context())).toEqual({});
  });

  it('fails loudly when the host gives too little entropy', () => {
    expect(() => run('start', null, context({ entropy: [1] }))).toThrow(/entropy/);
  });
});
