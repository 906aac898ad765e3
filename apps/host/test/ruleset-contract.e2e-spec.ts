import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTempPluginsDir, type TempPluginsDir } from './support/plugins.js';
import { registerVerifiedUser, startCampaignHost, type CampaignHost, type TestUser } from './support/users.js';

/**
 * The ruleset contract of host API 1.1 against the `pool` test ruleset, whose dice are read rather than summed:
 * ladder and tie outcomes, partial successes, refusals, and resources that are a track of boxes or have no maximum.
 */
const MARA = { name: 'Mara', approaches: { careful: 2, forceful: 1 }, pool: 5, stress: 1, xp: 120 };

describe('ruleset contract: outcomes, refusals and resources (pool test ruleset)', () => {
  let plugins: TempPluginsDir;
  let ctx: CampaignHost;
  let player: TestUser;

  const resolve = (body: Record<string, unknown>) =>
    ctx.http('POST', '/v1/rulesets/pool/resolve-roll', { body: { sheet: MARA, ...body } });

  beforeAll(async () => {
    plugins = await createTempPluginsDir();
    await plugins.add('pool');
    await plugins.add('basic');
    ctx = await startCampaignHost(['pool', 'basic'], { PLUGINS_DIR: plugins.dir });
    player = await registerVerifiedUser(ctx.http, ctx.smtp, 'Pool Player');
  }, 90_000);

  afterAll(async () => {
    await ctx?.stop();
    await plugins?.remove();
  });

  it('loads the pool ruleset with its fixtures passing', async () => {
    const statuses = await ctx.http<Array<{ id: string; status: string; fixtures: unknown }>>('GET', '/v1/plugins');
    expect(statuses.body.find((s) => s.id === 'pool')).toMatchObject({
      status: 'loaded',
      fixtures: { passed: 2, failed: 0 },
    });
  });

  it('reads fudge dice onto a ladder: neutral without an opposition', async () => {
    // + + 0 − = +1, careful +2 → Good (+3)
    const response = await resolve({ actionId: 'fate:careful', faces: [6, 5, 3, 1] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      result: 'neutral',
      tone: 'neutral',
      label: 'Good (+3)',
      value: 3,
      detail: '+ + 0 − · careful 2',
      ladder: { rung: 3, name: 'Good' },
    });
    expect(response.body.ladder.rungs).toHaveLength(11);
    expect(response.body.ladder.rungs[0]).toEqual({ rung: -2, name: 'Terrible' });
  });

  it.each([
    [3, 'tie', 'neutral', 'Tie'],
    [2, 'success', 'success', 'Succeed'],
    [0, 'critical', 'critical', 'Succeed with style'],
    [5, 'failure', 'failure', 'Fail'],
  ])('compares the ladder with a target of %i: %s (tone %s)', async (target, result, tone, label) => {
    const response = await resolve({ actionId: 'fate:careful', faces: [6, 5, 3, 1], target });
    expect(response.body).toMatchObject({ result, tone, label, value: 3 });
    expect(response.body.detail).toContain(`Good (+3) vs `);
  });

  it.each([
    [[8, 10, 3, 1, 2], 3, 'partial', 'mixed', 2],
    [[8, 9, 2, 2, 2], 2, 'success', 'success', 2],
    [[2, 3, 4, 5, 6], undefined, 'failure', 'failure', 0],
    [[1, 3, 4, 5, 6], undefined, 'botch', 'botch', 0],
  ])('counts successes of a d10 pool %j needing %s: %s', async (faces, target, result, tone, value) => {
    const response = await resolve({ actionId: 'pool', faces, ...(target === undefined ? {} : { target }) });
    expect(response.body).toMatchObject({ result, tone, value, details: { successes: value } });
  });

  it('checks the faces against the dice string of this sheet (a pool of 5 takes 5 d10)', async () => {
    const short = await resolve({ actionId: 'pool', faces: [8, 9, 10, 1] });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([{ path: 'faces', message: '"5d10" rolls 5 dice, got 4 faces' }]);
    const bigger = await ctx.http('POST', '/v1/rulesets/pool/resolve-roll', {
      body: { sheet: { ...MARA, pool: 4 }, actionId: 'pool', faces: [8, 9, 10, 1] },
    });
    expect(bigger.status).toBe(200);
    const fudgeOutOfRange = await resolve({ actionId: 'fate:careful', faces: [6, 5, 3, 7] });
    expect(fudgeOutOfRange.body.errors).toEqual([
      { path: 'faces.3', message: 'must be an integer from 1 to 6 (a d6 of "4d6")' },
    ]);
  });

  it("answers a ruleset's refusal with 422 ruleset_refused, its code, message and field", async () => {
    const refused = await resolve({ actionId: 'soak', faces: [7] });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: '/problems/ruleset-refused',
      status: 422,
      code: 'ruleset_refused',
      detail: 'Soak needs the damage as its target',
      rulesetCode: 'needs_target',
      pluginId: 'pool',
      errors: [{ path: 'target', message: 'Soak needs the damage as its target' }],
    });
    expect((await resolve({ actionId: 'soak', faces: [7], target: 5 })).body).toMatchObject({ result: 'success' });
  });

  it('lists resources: a track of boxes and a counter without maximum (422 for an invalid sheet)', async () => {
    const listed = await ctx.http('POST', '/v1/rulesets/pool/resources', { body: { sheet: MARA } });
    expect(listed.status).toBe(200);
    expect(listed.body.resources).toEqual([
      { id: 'stress', label: 'Stress', path: ['stress'], value: 1, min: 0, max: 3, display: 'track' },
      { id: 'xp', label: 'XP', path: ['xp'], value: 120, min: 0, max: null },
    ]);
    const invalid = await ctx.http('POST', '/v1/rulesets/pool/resources', { body: { sheet: { ...MARA, stress: 9 } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'stress' })]);
  });

  it('applies atomic deltas to a track (clamped to its boxes) and to a counter without maximum', async () => {
    const created = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'pool', name: 'Mara', sheet: MARA });
    expect(created.status).toBe(201);
    const delta = (resource: string, value: number) =>
      ctx.as(player)('POST', `/v1/characters/${created.body.id}/resources`, { resource, delta: value });
    expect((await delta('stress', 5)).body).toMatchObject({ value: 3, appliedDelta: 2, max: 3, display: 'track' });
    expect((await delta('stress', -10)).body).toMatchObject({ value: 0, appliedDelta: -3 });
    const xp = await delta('xp', 100_000);
    expect(xp.body).toMatchObject({ value: 100_120, appliedDelta: 100_000, min: 0, max: null, display: 'counter' });
    expect((await delta('xp', -100_000)).body).toMatchObject({ value: 120 });
    expect((await delta('xp', -500)).body).toMatchObject({ value: 0, appliedDelta: -120 });
    const stored = await ctx.as(player)('GET', `/v1/characters/${created.body.id}`);
    expect(stored.body.sheet).toMatchObject({ stress: 0, xp: 0 });
  });

  it("shows a host API 1.0 ruleset's resources as bars", async () => {
    const sheet = { name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 };
    const created = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'basic', name: 'Ada', sheet });
    const response = await ctx.as(player)('POST', `/v1/characters/${created.body.id}/resources`, {
      resource: 'hp',
      delta: 10,
    });
    expect(response.body).toMatchObject({ value: 12, max: 12, display: 'bar' });
  });

  it("refuses an import the ruleset's importer refuses, storing nothing", async () => {
    const before = await ctx.db.query(`SELECT count(*)::int AS n FROM characters`);
    const refused = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'foreign',
      data: { poolFormat: 1, name: 'Old' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ruleset_refused', rulesetCode: 'format_too_old' });
    const after = await ctx.db.query(`SELECT count(*)::int AS n FROM characters`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const imported = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'foreign',
      data: { poolFormat: 2, name: 'New' },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.character).toMatchObject({ name: 'New', rulesetId: 'pool' });
  });
});
