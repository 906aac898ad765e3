import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountMailService } from '../src/auth/account-mail.service.js';
import { changedTables, databaseDigest } from './support/db-digest.js';
import {
  assignedCharacter,
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

/**
 * Issue 13's classes of bad input, each refused with a 4xx problem and nothing stored, against a real host:
 * strings PostgreSQL cannot store (NUL, lone surrogates), undocumented nulls, built-in property names as
 * keys, bodies that are not JSON objects or not JSON at all, invalid UTF-8, out-of-range numbers, and a
 * `.cmchar` import with fields of the other format.
 */
describe('bad input is refused with a problem and changes nothing', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let groupId: string;
  let characterId: string;
  const genericSheet = { name: 'Hero', hp: { current: 5, max: 10 }, fields: [], notes: '' };

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic']);
    [dm, player] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Hardening DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Hardening Player'),
    ]);
    groupId = await groupWith(ctx, dm, 'generic', [player]);
    characterId = await assignedCharacter(ctx, player, 'generic', 'Hero', genericSheet, groupId);
  }, 60_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  /** A request with exact bytes and content type. */
  async function send(
    method: string,
    path: string,
    options: { body?: string | Buffer; contentType?: string; user?: TestUser } = {},
  ): Promise<{ status: number; type: string; body: Record<string, any> }> {
    const headers: Record<string, string> = {};
    if (options.contentType) headers['content-type'] = options.contentType;
    if (options.user) headers.authorization = `Bearer ${options.user.accessToken}`;
    const body = typeof options.body === 'string' ? options.body : options.body && new Uint8Array(options.body);
    const response = await fetch(`${ctx.host.url}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : {},
    };
  }

  const json = (method: string, path: string, text: string, user?: TestUser) =>
    send(method, path, { body: text, contentType: 'application/json', user });

  /** Runs `act`, then checks that no table changed (after any queued mail was handled). */
  async function unchanged(act: () => Promise<void>): Promise<void> {
    await ctx.host.app.get(AccountMailService).idle();
    const before = await databaseDigest(ctx.db);
    await act();
    await ctx.host.app.get(AccountMailService).idle();
    expect(changedTables(before, await databaseDigest(ctx.db))).toEqual([]);
  }

  function expectProblem(
    result: { status: number; type: string; body: Record<string, any> },
    status: number,
    path?: string,
  ): void {
    expect({ status: result.status, type: result.type }).toEqual({
      status,
      type: expect.stringContaining('application/problem+json'),
    });
    expect(result.body.status).toBe(status);
    if (path !== undefined) expect(result.body.errors?.map((error: { path: string }) => error.path)).toContain(path);
  }

  it('refuses a lone surrogate in an email on register, resend, login and password-reset request (was a 500)', async () => {
    await unchanged(async () => {
      const email = '"ada\\ud800@example.com"';
      for (const [path, extra] of [
        ['/v1/auth/register', ', "password": "long enough 1", "displayName": "Ada"'],
        ['/v1/auth/verify-email/resend', ''],
        ['/v1/auth/login', ', "password": "long enough 1"'],
        ['/v1/auth/password-reset/request', ''],
      ] as const) {
        const result = await json('POST', path, `{"email": ${email}${extra}}`);
        expectProblem(result, 400, 'email');
        expect(result.body.errors[0].message).toMatch(/surrogate/);
      }
    });
  });

  it('refuses NUL and lone surrogates in every text field and inside sheets, naming the path', async () => {
    const cases: Array<[method: string, path: string, body: string, field: string, user?: TestUser]> = [
      [
        'POST',
        '/v1/auth/register',
        '{"email":"nul@example.com","password":"long enough 1","displayName":"A\\u0000"}',
        'displayName',
      ],
      ['PATCH', '/v1/me', '{"displayName":"x\\u0000y"}', 'displayName', player],
      ['POST', '/v1/groups', '{"name":"G\\u0000","rulesetId":"generic"}', 'name', dm],
      ['PATCH', `/v1/groups/${groupId}`, '{"description":"\\udfff"}', 'description', dm],
      ['POST', '/v1/characters', '{"rulesetId":"generic","name":"C\\u0000"}', 'name', player],
      ['POST', `/v1/groups/${groupId}/rolls`, '{"notation":"1d20","label":"L\\u0000"}', 'label', player],
      ['POST', `/v1/groups/${groupId}/rolls`, '{"notation":"1d20","label":"\\ud83d"}', 'label', player],
      [
        'PUT',
        `/v1/characters/${characterId}`,
        '{"name":"Hero","version":1,"sheet":{"name":"Hero","hp":{"current":5,"max":10},"fields":[],"notes":"\\u0000"}}',
        'sheet.notes',
        player,
      ],
      [
        'PATCH',
        `/v1/characters/${characterId}`,
        '{"version":1,"sheetPatch":{"notes":"\\ud800x"}}',
        'sheetPatch.notes',
        player,
      ],
      ['POST', '/v1/rulesets/generic/validate', '{"sheet":{"n\\u0000":1}}', 'sheet.n\u0000'],
    ];
    await unchanged(async () => {
      for (const [method, path, body, field, user] of cases)
        expectProblem(await json(method, path, body, user), 400, field);
    });
  });

  it('refuses null for optional fields unless documented nullable; null clears the active group', async () => {
    await unchanged(async () => {
      expectProblem(await json('PATCH', '/v1/me', '{"displayName":null}', player), 400, 'displayName');
      expectProblem(await json('PATCH', `/v1/groups/${groupId}`, '{"name":null}', dm), 400, 'name');
      expectProblem(await json('PATCH', `/v1/groups/${groupId}`, '{"description":null}', dm), 400, 'description');
      expectProblem(await json('POST', `/v1/groups/${groupId}/invite`, '{"maxUses":null}', dm), 400, 'maxUses');
      expectProblem(
        await json('POST', `/v1/groups/${groupId}/rolls`, '{"notation":"1d6","label":null}', player),
        400,
        'label',
      );
    });
    expect((await json('PUT', '/v1/me/active-group', JSON.stringify({ groupId }), player)).status).toBe(200);
    const cleared = await json('PUT', '/v1/me/active-group', '{"groupId":null}', player);
    expect(cleared.status).toBe(200);
    expect(cleared.body.groupId).toBeNull();
  });

  /** Every operation of the OpenAPI document that takes a body, with its path parameters filled in. */
  async function bodyRoutes(): Promise<Array<{ method: string; path: string }>> {
    const document = await ctx.http('GET', '/v1/openapi.json');
    const routes: Array<{ method: string; path: string }> = [];
    for (const [template, operations] of Object.entries(document.body.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.requestBody) continue;
        routes.push({ method: method.toUpperCase(), path: template.replace(/\{[^}]+\}/g, () => randomUUID()) });
      }
    }
    return routes;
  }

  it('refuses built-in property names like any unknown key on every body route (they passed the whitelist)', async () => {
    const routes = await bodyRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(24);
    const keys = ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__proto__'];
    await unchanged(async () => {
      for (const { method, path } of routes) {
        for (const key of keys) {
          const result = await json(method, path, `{"${key}": {"x": 1}}`, dm);
          expectProblem(result, 400, key);
          expect(result.body.errors).toContainEqual({ path: key, message: `property ${key} should not exist` });
        }
      }
    });
  });

  it('keeps a sheet whole instead of silently dropping keys named like built-ins', async () => {
    const result = await json('POST', '/v1/rulesets/generic/validate', '{"sheet":{"fields":{"valueOf":3}}}');
    expectProblem(result, 400, 'sheet.fields.valueOf');
  });

  it('takes JSON objects only: other content types get 415, other JSON values 400, on every body route', async () => {
    const routes = await bodyRoutes();
    await unchanged(async () => {
      for (const { method, path } of routes) {
        expectProblem(
          await send(method, path, { body: 'maxUses=3', contentType: 'application/x-www-form-urlencoded', user: dm }),
          415,
        );
        expectProblem(await send(method, path, { body: '{"maxUses":3}', contentType: 'image/png', user: dm }), 415);
        expectProblem(await send(method, path, { body: '{"maxUses":3}', contentType: 'text/plain', user: dm }), 415);
        for (const body of ['null', '[]', '"text"', '42']) expectProblem(await json(method, path, body, dm), 400, '');
      }
    });
    // The case of the issue: a JSON body labelled image/png used to create an invite as if it were empty.
    const invites = await ctx.db.query('SELECT count(*)::int AS n FROM group_invites');
    expectProblem(
      await send('POST', `/v1/groups/${groupId}/invite`, { body: '{}', contentType: 'image/png', user: dm }),
      415,
    );
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM group_invites')).rows[0].n).toBe(invites.rows[0].n);
  });

  it('refuses invalid UTF-8 instead of storing U+FFFD, and other charsets', async () => {
    await unchanged(async () => {
      const bytes = Buffer.concat([Buffer.from('{"displayName":"Bad'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      expectProblem(
        await send('PATCH', '/v1/me', { body: bytes, contentType: 'application/json', user: player }),
        400,
        '',
      );
      const latin1 = await send('PATCH', '/v1/me', {
        body: Buffer.from('{"displayName":"Jos\xe9"}', 'latin1'),
        contentType: 'application/json; charset=iso-8859-1',
        user: player,
      });
      expectProblem(latin1, 415);
    });
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE display_name LIKE '%\uFFFD%'`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses numbers out of range, path and query strings with NUL, and a cmchar import carrying foreign fields', async () => {
    await unchanged(async () => {
      expectProblem(
        await json('POST', `/v1/characters/${characterId}/resources`, '{"resource":"hp","delta":1e400}', player),
        400,
        'delta',
      );
      expectProblem(await send('GET', `/v1/groups/${groupId}/rolls?cursor=%00`, { user: player }), 400, 'cursor');
      expectProblem(await send('GET', '/v1/rulesets/gen%00eric'), 400, 'id');
      const document = { cm_version: 1, ruleset_id: 'generic', name: 'Imported', sheet_data: genericSheet };
      const cases = [
        [{ format: 'cmchar', document, data: 'not an object' }, 'data'],
        [{ format: 'cmchar', document, data: {} }, 'data'],
        [{ format: 'cmchar', document, rulesetId: 'generic' }, 'rulesetId'],
        [{ format: 'foreign', data: {}, document }, 'document'],
      ] as const;
      for (const [body, field] of cases)
        expectProblem(await json('POST', '/v1/characters/import', JSON.stringify(body), player), 400, field);
    });
  });
});
