import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  registerUnverifiedUser,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

/**
 * Every route of the groups/characters API × every kind of caller. The route list comes from the host's
 * OpenAPI document at runtime (tags `groups` and `characters`), so a new route without an entry in EXPECTED
 * fails this test. Rules (SPEC §5): members read their group; only the DM changes settings, invites and
 * removes; owners edit their characters; a group's DM reads them and applies resource deltas. A resource the
 * caller may not see answers exactly like one that does not exist (404, same body); a member who can see a
 * resource but may not do the action gets 403.
 */
const ROLES = ['anonymous', 'unverified', 'nonMember', 'player', 'owner', 'dm'] as const;
type Role = (typeof ROLES)[number];
/** 'ok' = 2xx; a number = that exact status. */
type Expectation = 'ok' | 401 | 403 | 404 | 422;

interface Scenario {
  groupId: string;
  characterId: string;
  inviteId: string;
  inviteToken: string;
  users: Record<Exclude<Role, 'anonymous'>, TestUser>;
}

interface RouteCase {
  /** Which path parameter names the resource whose existence is at stake (for the 404 comparison). */
  primary?: 'group' | 'character';
  body?: (scenario: Scenario, caller: TestUser | undefined, ctx: CampaignHost) => unknown;
  expect: [
    anonymous: Expectation,
    unverified: Expectation,
    nonMember: Expectation,
    player: Expectation,
    owner: Expectation,
    dm: Expectation,
  ];
}

const genericSheet = { name: 'Matrix', hp: { current: 5, max: 10 }, fields: [], notes: '' };

async function ownCharacter(ctx: CampaignHost, caller: TestUser | undefined): Promise<string> {
  if (!caller) return randomUUID();
  const created = await ctx.as(caller)('POST', '/v1/characters', {
    rulesetId: 'generic',
    name: 'Own',
    sheet: genericSheet,
  });
  return created.body.id;
}

const EXPECTED: Record<string, RouteCase> = {
  'GET /v1/groups': { expect: [401, 'ok', 'ok', 'ok', 'ok', 'ok'] },
  'POST /v1/groups': {
    body: () => ({ name: 'New', rulesetId: 'generic' }),
    expect: [401, 403, 'ok', 'ok', 'ok', 'ok'],
  },
  'GET /v1/groups/{id}': { primary: 'group', expect: [401, 404, 404, 'ok', 'ok', 'ok'] },
  'PATCH /v1/groups/{id}': {
    primary: 'group',
    body: () => ({ name: 'Renamed' }),
    expect: [401, 404, 404, 403, 403, 'ok'],
  },
  'DELETE /v1/groups/{id}': { primary: 'group', expect: [401, 404, 404, 403, 403, 'ok'] },
  'GET /v1/groups/{id}/members': { primary: 'group', expect: [401, 404, 404, 'ok', 'ok', 'ok'] },
  // The target is the plain player: the player may leave; the owner (another player) may not remove them.
  'DELETE /v1/groups/{id}/members/{userId}': { primary: 'group', expect: [401, 404, 404, 'ok', 403, 'ok'] },
  'POST /v1/groups/{id}/transfer-dm': {
    primary: 'group',
    body: (s) => ({ userId: s.users.player.id }),
    expect: [401, 404, 404, 403, 403, 'ok'],
  },
  'POST /v1/groups/{id}/invite': {
    primary: 'group',
    body: () => ({ maxUses: 3 }),
    expect: [401, 404, 404, 403, 403, 'ok'],
  },
  'GET /v1/groups/{id}/invites': { primary: 'group', expect: [401, 404, 404, 403, 403, 'ok'] },
  'DELETE /v1/groups/{id}/invites/{inviteId}': { primary: 'group', expect: [401, 404, 404, 403, 403, 'ok'] },
  // Public: the token is the credential; a wrong token or group answers 404 (groups.e2e-spec).
  'GET /v1/groups/{id}/join/{token}': { expect: ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'] },
  'POST /v1/groups/{id}/join/{token}': { primary: 'group', expect: [401, 403, 'ok', 'ok', 'ok', 'ok'] },
  'GET /v1/me/active-group': { expect: [401, 'ok', 'ok', 'ok', 'ok', 'ok'] },
  'PUT /v1/me/active-group': {
    primary: 'group',
    body: (s) => ({ groupId: s.groupId }),
    expect: [401, 404, 404, 'ok', 'ok', 'ok'],
  },
  'GET /v1/groups/{groupId}/characters': { primary: 'group', expect: [401, 404, 404, 'ok', 'ok', 'ok'] },
  'POST /v1/groups/{groupId}/characters': {
    primary: 'group',
    body: async (_s, caller, ctx) => ({ characterId: await ownCharacter(ctx, caller) }),
    expect: [401, 404, 404, 'ok', 'ok', 'ok'],
  },
  'DELETE /v1/groups/{groupId}/characters/{characterId}': {
    primary: 'group',
    expect: [401, 404, 404, 403, 'ok', 'ok'],
  },
  'GET /v1/characters': { expect: [401, 'ok', 'ok', 'ok', 'ok', 'ok'] },
  'POST /v1/characters': {
    body: () => ({ rulesetId: 'generic', name: 'Fresh' }),
    expect: [401, 'ok', 'ok', 'ok', 'ok', 'ok'],
  },
  'POST /v1/characters/import': {
    body: () => ({
      format: 'cmchar',
      document: { cm_version: 1, ruleset_id: 'generic', name: 'Imported', sheet_data: genericSheet },
    }),
    expect: [401, 'ok', 'ok', 'ok', 'ok', 'ok'],
  },
  'GET /v1/characters/{id}': { primary: 'character', expect: [401, 404, 404, 404, 'ok', 'ok'] },
  'PUT /v1/characters/{id}': {
    primary: 'character',
    body: () => ({ name: 'Edited', version: 1, sheet: genericSheet }),
    expect: [401, 404, 404, 404, 'ok', 403],
  },
  'PATCH /v1/characters/{id}': {
    primary: 'character',
    body: () => ({ version: 1, sheetPatch: { notes: 'x' } }),
    expect: [401, 404, 404, 404, 'ok', 403],
  },
  'DELETE /v1/characters/{id}': { primary: 'character', expect: [401, 404, 404, 404, 'ok', 403] },
  'GET /v1/characters/{id}/history': { primary: 'character', expect: [401, 404, 404, 404, 'ok', 403] },
  'POST /v1/characters/{id}/history/{version}/restore': {
    primary: 'character',
    body: () => ({ version: 1 }),
    expect: [401, 404, 404, 404, 'ok', 403],
  },
  'POST /v1/characters/{id}/resources': {
    primary: 'character',
    body: () => ({ resource: 'hp', delta: -1 }),
    expect: [401, 404, 404, 404, 'ok', 'ok'],
  },
  'GET /v1/characters/{id}/export': { primary: 'character', expect: [401, 404, 404, 404, 'ok', 'ok'] },
  // Portraits: owner only; the DM sees the character, so is told 403 like for any other owner-only action.
  'POST /v1/characters/{id}/portrait': {
    primary: 'character',
    body: () => ({ contentType: 'image/png', size: 1000 }),
    expect: [401, 404, 404, 404, 'ok', 403],
  },
  'POST /v1/characters/{id}/portrait/confirm': {
    primary: 'character',
    body: (s) => ({ key: `portraits/${s.characterId}/none.png` }),
    expect: [401, 404, 404, 404, 422, 403],
  },
  'DELETE /v1/characters/{id}/portrait': { primary: 'character', expect: [401, 404, 404, 404, 'ok', 403] },
};

describe('authorization matrix: groups and characters', () => {
  let ctx: CampaignHost;
  let users: Scenario['users'];
  let routes: string[];

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic']);
    const [dm, owner, player, nonMember, unverified] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Matrix DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Matrix Owner'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Matrix Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Matrix Outsider'),
      registerUnverifiedUser(ctx.http, ctx.smtp, 'Matrix Unverified'),
    ]);
    users = { dm: dm, owner: owner, player: player, nonMember: nonMember, unverified: unverified };
    const document = await ctx.http('GET', '/v1/openapi.json');
    routes = [];
    for (const [path, operations] of Object.entries(
      document.body.paths as Record<string, Record<string, { tags?: string[] }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.tags?.some((tag) => tag === 'groups' || tag === 'characters'))
          routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  /** A fresh group (DM, owner and player as members), the owner's character assigned to it, and an invite. */
  async function scenario(): Promise<Scenario> {
    const dm = ctx.as(users.dm);
    const group = await dm('POST', '/v1/groups', { name: 'Matrix table', rulesetId: 'generic' });
    const invite = await dm('POST', `/v1/groups/${group.body.id}/invite`, {});
    for (const member of [users.owner, users.player])
      await ctx.as(member)('POST', `/v1/groups/${group.body.id}/join/${invite.body.token}`);
    const character = await ctx.as(users.owner)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name: 'Owned',
      sheet: genericSheet,
    });
    await ctx.as(users.owner)('POST', `/v1/groups/${group.body.id}/characters`, { characterId: character.body.id });
    return {
      groupId: group.body.id,
      characterId: character.body.id,
      inviteId: invite.body.id,
      inviteToken: invite.body.token,
      users,
    };
  }

  function resolve(route: string, s: Scenario, missing?: 'group' | 'character'): { method: string; path: string } {
    const [method, template] = route.split(' ') as [string, string];
    const groupId = missing === 'group' ? randomUUID() : s.groupId;
    const characterId = missing === 'character' ? randomUUID() : s.characterId;
    const isCharacterRoute = template.startsWith('/v1/characters/');
    const path = template
      .replace('{id}', isCharacterRoute ? characterId : groupId)
      .replace('{groupId}', groupId)
      .replace('{characterId}', characterId)
      .replace('{userId}', s.users.player.id)
      .replace('{inviteId}', s.inviteId)
      .replace('{token}', s.inviteToken)
      .replace('{version}', '1');
    return { method, path };
  }

  it('has an expectation for every groups/characters route the host serves, and none for routes it does not', () => {
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((route) => !(route in EXPECTED));
    expect(missing).toEqual([]);
    const stale = Object.keys(EXPECTED).filter((route) => !routes.includes(route));
    expect(stale).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))(
    '%s answers every kind of caller as expected',
    async (route, spec) => {
      const failures: string[] = [];
      let shared: Scenario | undefined;
      for (const [index, role] of ROLES.entries()) {
        const expected = spec.expect[index];
        const caller = role === 'anonymous' ? undefined : users[role];
        // Read-only routes share one scenario; writes get a fresh one per caller.
        const s = route.startsWith('GET ') ? (shared ??= await scenario()) : await scenario();
        const { method, path } = resolve(route, s);
        const body = spec.body ? await spec.body(s, caller, ctx) : undefined;
        const result = await ctx.as(caller)(
          method,
          path,
          body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}),
        );
        const ok = expected === 'ok' ? result.status >= 200 && result.status < 300 : result.status === expected;
        if (!ok) failures.push(`${role}: expected ${expected}, got ${result.status} ${JSON.stringify(result.body)}`);
        if (expected === 404 && spec.primary && result.status === 404) {
          const nonexistent = resolve(route, s, spec.primary);
          const reference = await ctx.as(caller)(
            nonexistent.method,
            nonexistent.path,
            body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}),
          );
          const strip = (problem: Record<string, unknown>) => ({ ...problem, instance: undefined });
          if (JSON.stringify(strip(result.body)) !== JSON.stringify(strip(reference.body))) {
            failures.push(
              `${role}: 404 body ${JSON.stringify(result.body)} differs from a nonexistent id's ${JSON.stringify(reference.body)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    },
    60_000,
  );

  it('never lets one user read or change another user’s character or group through side doors', async () => {
    const s = await scenario();
    const outsider = ctx.as(users.nonMember);
    const player = ctx.as(users.player);
    // Assigning someone else's character, even as a member of the group, is refused like a missing character.
    const foreign = await player('POST', `/v1/groups/${s.groupId}/characters`, { characterId: s.characterId });
    const missing = await player('POST', `/v1/groups/${s.groupId}/characters`, { characterId: randomUUID() });
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, instance: 0 }).toEqual({ ...missing.body, instance: 0 });
    // A member sees the character in the list but not its sheet.
    const listed = await player('GET', `/v1/groups/${s.groupId}/characters`);
    expect(listed.body).toEqual([expect.objectContaining({ characterId: s.characterId, canReadSheet: false })]);
    expect(JSON.stringify(listed.body)).not.toContain('"hp"');
    // Outsiders cannot set another group as active, or learn anything from a non-UUID id.
    expect((await outsider('PUT', '/v1/me/active-group', { groupId: s.groupId })).status).toBe(404);
    expect((await outsider('GET', '/v1/groups/not-a-uuid')).status).toBe(404);
    expect((await outsider('GET', '/v1/characters/not-a-uuid')).status).toBe(404);
    // Nothing changed for the owner.
    const owned = await ctx.as(users.owner)('GET', `/v1/characters/${s.characterId}`);
    expect(owned.body).toMatchObject({ version: 1, name: 'Owned' });
  });
});
