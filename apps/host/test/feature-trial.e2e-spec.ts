import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

/** The stateless trial of feature actions behind the playground's panels: nothing is stored. */
describe('POST /v1/plugins/:pluginId/try/actions/:action', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let http: Http;
  const characters = [
    {
      id: 'c1',
      name: 'Alrik',
      ownerId: 'u1',
      rulesetId: 'generic',
      initiative: { label: 'Initiative', diceString: '1d20+2' },
    },
    {
      id: 'c2',
      name: 'Bosper',
      ownerId: 'u2',
      rulesetId: 'generic',
      initiative: { label: 'Initiative', diceString: '1d20' },
    },
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: REPO_PLUGINS_DIR, PLUGINS_WATCH: 'false' });
    http = createHttp(host.url);
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  it('runs an action on the supplied state and returns the new state without storing it', async () => {
    const started = await http('POST', '/v1/plugins/initiative/try/actions/start', {
      body: { state: {}, isDm: true, characters },
    });
    expect(started.status).toBe(200);
    const encounter = started.body.state.encounter;
    expect(encounter).toMatchObject({ active: true, round: 1, turn: 0 });
    expect(encounter.combatants.map((c: { name: string }) => c.name).sort()).toEqual(['Alrik', 'Bosper']);
    const next = await http('POST', '/v1/plugins/initiative/try/actions/next', {
      body: { state: started.body.state, isDm: true, characters },
    });
    expect(next.body.state.encounter.turn).toBe(1);
    const stored: { n: number }[] = await host.app.get(DataSource).query('SELECT count(*)::int AS n FROM plugin_state');
    expect(stored[0].n).toBe(0);
  });

  it('answers a refused action with the plugin’s reason (403 for a player running a DM action)', async () => {
    const refused = await http('POST', '/v1/plugins/initiative/try/actions/start', {
      body: { state: {}, isDm: false, characters },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers unknown plugins and actions with 404 and a bad body with 400', async () => {
    expect(
      (await http('POST', '/v1/plugins/nope/try/actions/start', { body: { state: {}, isDm: true, characters: [] } }))
        .status,
    ).toBe(404);
    expect(
      (
        await http('POST', '/v1/plugins/initiative/try/actions/explode', {
          body: { state: {}, isDm: true, characters: [] },
        })
      ).status,
    ).toBe(404);
    expect(
      (await http('POST', '/v1/plugins/generic/try/actions/start', { body: { state: {}, isDm: true, characters: [] } }))
        .status,
    ).toBe(404);
    const bad = await http('POST', '/v1/plugins/initiative/try/actions/start', {
      body: { state: 'x', isDm: 'yes', characters: 5 },
    });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['characters', 'isDm', 'state']),
    );
  });
});
