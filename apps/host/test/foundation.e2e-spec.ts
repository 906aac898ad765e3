import pg from 'pg';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { startTestHost, type TestHost } from './support/test-host.js';

describe('host foundation', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let http: Http;

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({
      DATABASE_URL: database.url,
      BODY_LIMIT_BYTES: '2048',
      CORS_ORIGINS: 'https://app.example.com',
    });
    http = createHttp(host.url);
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  it('answers live and ready', async () => {
    expect((await http('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await http('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'up', redis: 'in-process' });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await http('GET', '/v1/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(document.body.paths['/health/ready']).toBeDefined();
    const ui = await fetch(`${host.url}/v1/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers unknown routes with a problem', async () => {
    const result = await http('GET', '/v1/does-not-exist');
    expect(result.status).toBe(404);
    expect(result.headers.get('content-type')).toContain('application/problem+json');
    expect(result.body).toMatchObject({ status: 404, code: 'not_found', instance: '/v1/does-not-exist' });
  });

  it('answers malformed JSON and oversized bodies with problems', async () => {
    const malformed = await http('POST', '/v1/does-not-exist', {
      rawBody: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const oversized = await http('POST', '/v1/does-not-exist', { body: { text: 'x'.repeat(4096) } });
    expect(oversized.status).toBe(413);
    expect(oversized.body.code).toBe('payload_too_large');
  });

  it('sends security headers on every response, and a content security policy on HTML pages', async () => {
    const json = await http('GET', '/health/live');
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(json.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(json.headers.get('referrer-policy')).toBe('no-referrer');
    const problem = await http('GET', '/v1/does-not-exist');
    expect(problem.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await fetch(`${host.url}/v1/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('allows browser calls from the configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${host.url}/v1/auth/login`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${host.url}/health/live`, { headers: { origin: 'https://app.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('the migration CLI, on the build, finds nothing to generate against the migrated database', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const dataSource = join(root, 'apps/host/dist/database/data-source.js');
    if (!existsSync(dataSource)) {
      const build = spawnSync(
        process.execPath,
        [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'apps/host/tsconfig.app.json'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(build.status).toBe(0);
    }
    const check = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/typeorm/cli.js'),
        'migration:generate',
        join(tmpdir(), 'Unneeded'),
        '--check',
        '-d',
        dataSource,
      ],
      { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, DATABASE_URL: database.url }, timeout: 60_000 },
    );
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toContain('No changes in database schema were found');
  }, 90_000);

  it('applies every migration and leaves nothing for a generated migration to add', async () => {
    const { DataSource } = await import('typeorm');
    const { dataSourceOptions } = await import('../src/database/data-source-options.js');
    const dataSource = new DataSource(dataSourceOptions(database.url, 1));
    await dataSource.initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('indexes every foreign key (and the ruleset of groups) by its leading column', async () => {
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      // A delete of the referenced row looks the referencing rows up by this column; without an index it scans.
      const { rows } = await sql.query<{ fk: string }>(
        `SELECT c.conrelid::regclass::text || '.' || a.attname AS fk
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_index i
                             WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1] AND i.indpred IS NULL)
          ORDER BY 1`,
      );
      expect(rows.map((row) => row.fk)).toEqual([]);
      const named = await sql.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY($1::text[]) ORDER BY 1`,
        [
          [
            'IDX_group_characters_user',
            'IDX_group_invites_creator',
            'IDX_groups_ruleset',
            'IDX_rolls_character',
            'IDX_rolls_user',
            'IDX_users_active_group',
          ],
        ],
      );
      expect(named.rows.map((row) => row.indexname)).toEqual([
        'IDX_group_characters_user',
        'IDX_group_invites_creator',
        'IDX_groups_ruleset',
        'IDX_rolls_character',
        'IDX_rolls_user',
        'IDX_users_active_group',
      ]);
    } finally {
      await sql.end();
    }
  });
});
