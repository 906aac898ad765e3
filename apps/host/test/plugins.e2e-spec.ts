import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { createTempPluginsDir, manifestEdit, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

interface Status {
  id: string;
  folder: string;
  status: 'loaded' | 'failed';
  errors: string[];
  fixtures: { passed: number; failed: number; failures: Array<{ fixture: string; message: string }> };
  ui: { url: string } | null;
  serverBundleHash: string | null;
  version: string | null;
}

const VALID_SHEET = { name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 };

describe('plugin host: discovery, bundles and the ruleset API', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let http: Http;
  let statuses: Map<string, Status>;

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    await plugins.add('counter');
    await plugins.add('basic', 'bad-json', { 'plugin.json': () => '{ "id": "bad-json", ' });
    await plugins.add('basic', 'missing-fields', {
      'plugin.json': manifestEdit((m) => ((m.id = 'missing-fields'), delete m.entry, delete m.hostApi)),
    });
    await plugins.add('basic', 'bad-id', { 'plugin.json': manifestEdit((m) => (m.id = 'Bad_ID')) });
    await plugins.add('basic', 'bad-semver', {
      'plugin.json': manifestEdit((m) => ((m.id = 'bad-semver'), (m.version = '1.0'))),
    });
    await plugins.add('basic', 'unknown-field', {
      'plugin.json': manifestEdit((m) => ((m.id = 'unknown-field'), (m.homepage = 'x'))),
    });
    await plugins.add('basic', 'escaping-entry', {
      'plugin.json': manifestEdit(
        (m) => ((m.id = 'escaping-entry'), (m.entry = { server: '../basic/src/ruleset.ts' })),
      ),
    });
    await plugins.add('basic', 'syntax-error', {
      'plugin.json': manifestEdit((m) => (m.id = 'syntax-error')),
      'src/ruleset.ts': (code) => `${code}\nexport const broken = {{{;\n`,
    });
    await plugins.add('basic', 'imports-fs', {
      'plugin.json': manifestEdit((m) => (m.id = 'imports-fs')),
      'src/ruleset.ts': (code) => `import { readFileSync } from 'fs';\nexport const leak = readFileSync;\n${code}`,
    });
    await plugins.add('basic', 'needs-v2', {
      'plugin.json': manifestEdit((m) => ((m.id = 'needs-v2'), (m.hostApi = '^2.0.0'))),
    });
    await plugins.add('basic', 'bad-fixtures', { 'plugin.json': manifestEdit((m) => (m.id = 'bad-fixtures')) });
    await plugins.edit('bad-fixtures', 'fixtures/valid/ada.json', () =>
      JSON.stringify({ ...VALID_SHEET, hp: { current: 99, max: 12 } }),
    );
    await plugins.add('basic', 'fixture-details', {
      'plugin.json': manifestEdit((m) => (m.id = 'fixture-details')),
      'fixtures/migrations/1.0.0.json': (text) => {
        const fixture = JSON.parse(text);
        fixture.expected.hp.max = 10;
        fixture.expected.legacy = true;
        return JSON.stringify(fixture);
      },
      'fixtures/invalid/hp-over-max.json': (text) => JSON.stringify({ ...JSON.parse(text), errors: ['hp'] }),
      'fixtures/invalid/skill-too-high.json': (text) =>
        JSON.stringify({ ...JSON.parse(text), errors: [{ path: 'skill', message: 'at most 5' }] }),
    });
    await plugins.add('basic', 'basic-copy');
    await plugins.add('basic', 'basic-throws', {
      'plugin.json': manifestEdit((m) => (m.id = 'basic-throws')),
      'src/ruleset.ts': (code) =>
        code.replace(
          "if (actionId === 'damage') return",
          "if (actionId === 'damage') throw new Error(`unknown action ${actionId}`);\n    if (faces.length < 0) return",
        ),
    });
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: plugins.dir, PLUGINS_WATCH: 'false' });
    http = createHttp(host.url);
    const response = await http<Status[]>('GET', '/v1/plugins');
    statuses = new Map(response.body.map((s) => [s.folder, s]));
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await plugins?.remove();
    await database?.drop();
  }, 30_000);

  it('loads the good plugins and reports their fixture results', () => {
    const basic = statuses.get('basic')!;
    expect(basic).toMatchObject({ id: 'basic', status: 'loaded', errors: [], version: '1.1.0' });
    expect(basic.fixtures).toEqual({ passed: 4, failed: 0, failures: [] });
    expect(basic.ui?.url).toMatch(/^\/v1\/plugins\/assets\/basic-ui\.[0-9a-f]{16}\.js$/);
    expect(basic.serverBundleHash).toMatch(/^[0-9a-f]{16}$/);
    expect(statuses.get('counter')).toMatchObject({ id: 'counter', kind: 'feature', status: 'loaded', ui: null });
  });

  it.each([
    ['bad-json', /plugin\.json is not valid JSON/],
    ['missing-fields', /missing field "entry".*|missing field "hostApi"/],
    ['bad-id', /"id" must be 2-40 characters of lowercase letters/],
    ['bad-semver', /"version" must be a semver version like 1\.2\.3 \(got "1\.0"\)/],
    ['unknown-field', /unknown field "homepage"/],
    ['escaping-entry', /"entry\.server" must be a relative path inside the plugin folder/],
    ['syntax-error', /server build failed: .*src\/ruleset\.ts:\d+:\d+: /],
    ['imports-fs', /server build failed: .*Node built-in module "fs" is not available to plugins/],
    ['needs-v2', /incompatible host API: the plugin needs host API \^2\.0\.0, this host provides 1\.1\.0/],
    ['bad-fixtures', /1 of 4 fixtures failed/],
    ['fixture-details', /3 of 4 fixtures failed/],
    ['basic-copy', /duplicate plugin id "basic": already provided by folder basic\//],
  ])('reports %s with a clear message and skips it', async (folder, message) => {
    const status = statuses.get(folder)!;
    expect(status.status).toBe('failed');
    expect(status.errors.join('\n')).toMatch(message);
    expect(status.ui).toBeNull();
    const rulesets = await http<Array<{ id: string }>>('GET', '/v1/rulesets');
    expect(rulesets.body.map((r) => r.id).sort()).toEqual(['basic', 'basic-throws']);
  });

  it('names the failing fixture and why', () => {
    const failures = statuses.get('bad-fixtures')!.fixtures;
    expect(failures).toMatchObject({ passed: 3, failed: 1 });
    expect(failures.failures[0]).toEqual({
      fixture: 'valid/ada.json',
      message: expect.stringContaining('hp.current: must be at most hp.max'),
    });
  });

  it('shows what a migration fixture got as a per-path difference, and how invalid-fixture paths match', () => {
    const failures = new Map(statuses.get('fixture-details')!.fixtures.failures.map((f) => [f.fixture, f.message]));
    expect(failures.get('migrations/1.0.0.json')).toBe(
      'migrating from 1.0.0 did not give "expected": hp.max: expected 10, got 9; legacy: expected true, missing',
    );
    expect(failures.get('invalid/hp-over-max.json')).toBe(
      'expected errors at hp; got hp.current: must be at most hp.max (paths match exactly: hp.current is reported, not hp)',
    );
    expect(failures.get('invalid/skill-too-high.json')).toBe(
      'expected errors at skill ("at most 5"); got skill: must be <= 20',
    );
  });

  it('serves the catalog with no-cache and each bundle at an immutable content-hashed URL', async () => {
    const catalog = await http('GET', '/v1/rulesets');
    expect(catalog.headers.get('cache-control')).toBe('no-cache');
    expect((await http('GET', '/v1/plugins')).headers.get('cache-control')).toBe('no-cache');
    expect(catalog.body[0]).toMatchObject({
      id: 'basic',
      name: 'Basic',
      version: '1.1.0',
      author: 'Test',
      license: 'MIT',
      hostApi: '^1.0.0',
    });
    const url = catalog.body[0].ui.url as string;
    const plain = await fetch(`${host.url}${url}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const code = await plain.text();
    // The shared modules are imported from the host's vendor build by absolute URL: no import map needed.
    const imports = [...code.matchAll(/from"(\/v1\/plugins\/assets\/vendor-[^"]+)"/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(code).not.toMatch(/from"svelte/);
    for (const vendorUrl of imports) {
      const vendor = await fetch(`${host.url}${vendorUrl}`);
      expect(vendor.status).toBe(200);
      expect(vendor.headers.get('cache-control')).toContain('immutable');
    }
    // Styles ship inside the JS (Svelte `css: 'injected'`).
    expect(code).toContain('rgb(20, 80, 160)');
  });

  it('serves gzip to clients that accept it', async () => {
    const url = (await http('GET', '/v1/rulesets')).body[0].ui.url as string;
    const response = await fetch(`${host.url}${url}`, {
      headers: { 'accept-encoding': 'gzip' },
      decompress: false,
    } as RequestInit);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const raw = Buffer.from(await response.arrayBuffer());
    const plain = await (await fetch(`${host.url}${url}`, { headers: { 'accept-encoding': 'identity' } })).text();
    // fetch may already have decoded the body; either way the bytes must be the same module.
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString() : raw.toString();
    expect(text).toBe(plain);
  });

  it('answers an unknown asset with a 404 problem', async () => {
    const response = await http('GET', '/v1/plugins/assets/basic-ui.0000000000000000.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('gives a ruleset, its default sheet, and 404 for unknown rulesets', async () => {
    expect((await http('GET', '/v1/rulesets/basic')).body).toMatchObject({ id: 'basic', version: '1.1.0' });
    expect((await http('GET', '/v1/rulesets/basic/default-sheet')).body).toEqual({
      name: 'Nobody',
      hp: { current: 10, max: 10 },
      skill: 5,
    });
    for (const path of ['/v1/rulesets/nope', '/v1/rulesets/nope/default-sheet', '/v1/rulesets/counter']) {
      const response = await http('GET', path);
      expect(response.status).toBe(404);
      expect(response.body.code ?? response.body.type).toBeDefined();
    }
    const validate = await http('POST', '/v1/rulesets/nope/validate', { body: { sheet: VALID_SHEET } });
    expect(validate.status).toBe(404);
  });

  it('validates sheets with the schema and the plugin, reporting dotted paths', async () => {
    expect((await http('POST', '/v1/rulesets/basic/validate', { body: { sheet: VALID_SHEET } })).body).toEqual({
      valid: true,
      errors: [],
    });
    const schemaErrors = await http('POST', '/v1/rulesets/basic/validate', {
      body: { sheet: { name: 'x', hp: { current: 'a', max: 0 }, extra: 1 } },
    });
    expect(schemaErrors.status).toBe(200);
    expect(schemaErrors.body.valid).toBe(false);
    const paths = schemaErrors.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['hp.current', 'hp.max', 'skill', 'extra']));
    const pluginErrors = await http('POST', '/v1/rulesets/basic/validate', {
      body: { sheet: { ...VALID_SHEET, hp: { current: 13, max: 12 } } },
    });
    expect(pluginErrors.body).toEqual({
      valid: false,
      errors: [{ path: 'hp.current', message: 'must be at most hp.max' }],
    });
  });

  it('rejects a request without a sheet or with unknown fields (400)', async () => {
    const missing = await http('POST', '/v1/rulesets/basic/validate', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('sheet');
    const notObject = await http('POST', '/v1/rulesets/basic/validate', { body: { sheet: [1, 2] } });
    expect(notObject.status).toBe(400);
    const extra = await http('POST', '/v1/rulesets/basic/validate', { body: { sheet: VALID_SHEET, other: 1 } });
    expect(extra.status).toBe(400);
  });

  it('computes stat blocks and dice actions for valid sheets and refuses invalid ones (422)', async () => {
    const blocks = await http('POST', '/v1/rulesets/basic/stat-blocks', { body: { sheet: VALID_SHEET } });
    expect(blocks.status).toBe(200);
    expect(blocks.body.statBlocks[0].stats[0]).toEqual({ id: 'hp', label: 'HP', value: '7/12' });
    const actions = await http('POST', '/v1/rulesets/basic/dice-actions', { body: { sheet: VALID_SHEET } });
    expect(actions.body.diceActions.map((a: { diceString: string }) => a.diceString)).toEqual(['1d20+3', '2d6']);
    const invalid = await http('POST', '/v1/rulesets/basic/stat-blocks', {
      body: { sheet: { ...VALID_SHEET, skill: 50 } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'skill' })]);
    expect((await http('POST', '/v1/rulesets/basic/dice-actions', { body: { sheet: {} } })).status).toBe(422);
  });

  it('resolves rolls, passing the modifier, and reads a host API 1.0 `total` as the value with a tone', async () => {
    const success = await http('POST', '/v1/rulesets/basic/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'skill', faces: [12] },
    });
    expect(success.body).toEqual({ result: 'success', tone: 'success', label: 'Success', value: 15 });
    const modified = await http('POST', '/v1/rulesets/basic/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'skill', faces: [12], modifier: -1 },
    });
    expect(modified.body).toMatchObject({ result: 'failure', tone: 'failure', value: 14 });
    const bad = await http('POST', '/v1/rulesets/basic/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'skill', faces: [0, 1.5] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.every((e: { path: string }) => e.path === 'faces')).toBe(true);
  });

  it('refuses an unknown action and faces that do not fit the dice string with 400, before the plugin runs', async () => {
    const unknown = await http('POST', '/v1/rulesets/basic-throws/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'nope', faces: [1] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'bad_request', detail: 'Unknown dice action "nope"' });
    expect(unknown.body.errors).toEqual([
      { path: 'actionId', message: 'the sheet has no dice action "nope" (it has: skill, damage)' },
    ]);
    const tooFew = await http('POST', '/v1/rulesets/basic-throws/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'damage', faces: [3] },
    });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.errors).toEqual([{ path: 'faces', message: '"2d6" rolls 2 dice, got 1 faces' }]);
    const outOfRange = await http('POST', '/v1/rulesets/basic-throws/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'damage', faces: [3, 7] },
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.errors).toEqual([
      { path: 'faces.1', message: 'must be an integer from 1 to 6 (a d6 of "2d6")' },
    ]);
    // the constant has no face: 1d20+3 takes exactly one
    const constant = await http('POST', '/v1/rulesets/basic/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'skill', faces: [12, 3] },
    });
    expect(constant.status).toBe(400);
  });

  it('turns a throwing plugin into a 502 problem without host internals', async () => {
    const response = await http('POST', '/v1/rulesets/basic-throws/resolve-roll', {
      body: { sheet: VALID_SHEET, actionId: 'damage', faces: [1, 2] },
    });
    expect(response.status).toBe(502);
    expect(response.body.detail).toMatch(/^Plugin "basic-throws" failed: threw: .*unknown action damage/);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js:\d+|apps\/host/);
  });

  it('lists the ruleset endpoints in the OpenAPI document', async () => {
    const openapi = await http('GET', '/v1/openapi.json');
    for (const path of [
      '/v1/rulesets',
      '/v1/rulesets/{id}/validate',
      '/v1/rulesets/{id}/resolve-roll',
      '/v1/plugins',
      '/v1/plugins/assets/{file}',
    ]) {
      expect(openapi.body.paths[path]).toBeDefined();
    }
  });
});
