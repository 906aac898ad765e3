import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AccountMailService } from '../../src/auth/account-mail.service.js';
import { changedTables, databaseDigest } from '../support/db-digest.js';
import {
  assignedCharacter,
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from '../support/users.js';
import {
  bodyFor,
  queryFor,
  segmentFor,
  strayBody,
  type FuzzBody,
  type Schema,
  type ValuePool,
} from './openapi-arbitraries.js';

/**
 * Property-based fuzzing of every operation in the host's own OpenAPI document (`/v1/openapi.json`): a new
 * route is fuzzed as soon as it is documented, without anyone writing a case. Bodies are generated from the
 * operation's schema (valid-ish: right types, the scenario's real ids) and then mostly mutated (wrong types,
 * NUL, lone surrogates, huge numbers, deep nesting, built-in keys, null, invalid UTF-8, not JSON, wrong content
 * types); path parameters are the scenario's values or hostile segments; callers are anonymous, a bogus token,
 * the DM, a player and an outsider. Invariants for every request:
 * - no 5xx;
 * - every refusal (4xx) is an RFC 9457 problem document whose `status` is the response's;
 * - a refusal stores nothing: a digest of every table is the same before and after;
 * - after each operation the host still answers /health/live.
 * Seeded: the seed is printed; re-run with FUZZ_SEED=<seed> (and FUZZ_ONLY=<text> to fuzz only matching
 * operations). FUZZ_RUNS sets the runs per operation (default 20: about a minute on an idle 2-core machine).
 */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const ONLY = process.env.FUZZ_ONLY;

interface Operation {
  method: string;
  template: string;
  pathParameters: string[];
  queryParameters: Array<{ name: string; schema?: Schema }>;
  body?: Schema;
}

interface FuzzRequest {
  caller: Caller;
  path: string;
  body?: FuzzBody;
}

const CALLERS = ['anonymous', 'bogus token', 'dm', 'player', 'outsider'] as const;
/** Mostly callers with an account, so the accepting paths behind the guard are reached. */
const CALLER_WEIGHTS: Record<(typeof CALLERS)[number], number> = {
  anonymous: 1,
  'bogus token': 1,
  dm: 3,
  player: 3,
  outsider: 1,
};
type Caller = (typeof CALLERS)[number];

/** Action names feature plugins commonly declare (the path has no other source for them). */
const ACTION_WORDS = ['start', 'next', 'previous', 'add', 'remove', 'end'];

describe('fuzzing every OpenAPI operation', () => {
  let ctx: CampaignHost;
  let users: Record<'dm' | 'player' | 'outsider', TestUser>;
  let document: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };
  const harvested = new Set<string>();
  /** The `id`s each public list route answers with (`GET /v1/rulesets` → rulesets). */
  const collections = new Map<string, string[]>();
  const runsPerOperation = new Map<string, number>();
  /** Status classes seen per operation, for the summary printed at the end. */
  const statuses = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    process.stdout.write(
      `Fuzz seed ${SEED}, ${RUNS} runs per operation (re-run: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})\n`,
    );
    ctx = await startCampaignHost(['generic', 'dsa5e']);
    const [dm, player, outsider] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Fuzz DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Fuzz Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Fuzz Outsider'),
    ]);
    users = { dm, player, outsider };
    document = (await ctx.http('GET', '/v1/openapi.json')).body;
    // Strings the API itself hands out (plugin ids, asset names, ruleset ids) are good parameter values.
    for (const name of ['rulesets', 'plugins']) {
      const list = (await ctx.http('GET', `/v1/${name}`)).body as Array<{ id?: unknown }>;
      harvest(list);
      collections.set(
        name,
        list.map((item) => item.id).filter((id): id is string => typeof id === 'string'),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  function harvest(value: unknown): void {
    if (typeof value === 'string' && value.length > 0 && value.length <= 120) {
      harvested.add(value);
      const last = value.split('/').at(-1);
      if (last && last !== value) harvested.add(last);
    } else if (Array.isArray(value)) value.forEach(harvest);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(harvest);
  }

  function operations(): Operation[] {
    const list: Operation[] = [];
    for (const [template, entries] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(entries)) {
        const parameters = (operation.parameters ?? []) as Array<{ in: string; name: string; schema?: Schema }>;
        list.push({
          method: method.toUpperCase(),
          template,
          pathParameters: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          queryParameters: parameters.filter((p) => p.in === 'query'),
          body: operation.requestBody?.content?.['application/json']?.schema as Schema | undefined,
        });
      }
    }
    return list;
  }

  /** A fresh group (DM, player), the player's character in it, an invite and the default sheets. */
  async function scenario() {
    const groupId = await groupWith(ctx, users.dm, 'generic', [users.player]);
    const sheet = (await ctx.http('GET', '/v1/rulesets/generic/default-sheet')).body;
    const characterId = await assignedCharacter(ctx, users.player, 'generic', 'Fuzzed', undefined, groupId);
    const invite = await ctx.as(users.dm)('POST', `/v1/groups/${groupId}/invite`, { maxUses: 5 });
    const dsa5e = (await ctx.http('GET', '/v1/rulesets/dsa5e/default-sheet')).body;
    return {
      groupId,
      characterId,
      inviteId: invite.body.id as string,
      inviteToken: invite.body.token as string,
      sheets: [sheet, dsa5e],
    };
  }

  function pool(s: Awaited<ReturnType<typeof scenario>>): {
    values: ValuePool;
    known: Record<string, string[]>;
    all: string[];
  } {
    const userIds = Object.values(users).map((user) => user.id);
    const known: Record<string, string[]> = {
      // `{id}`-like parameters by the collection they name (`/v1/groups/{id}`, `{groupId}`, …).
      groups: [s.groupId],
      characters: [s.characterId],
      users: userIds,
      invites: [s.inviteId],
      rulesets: collections.get('rulesets') ?? [],
      plugins: collections.get('plugins') ?? [],
      token: [s.inviteToken],
      version: ['1', '2'],
      action: ACTION_WORDS,
    };
    const all = [...new Set([...Object.values(known).flat(), ...harvested])];
    return {
      known,
      all,
      values: {
        components: document.components.schemas,
        uuids: [s.groupId, s.characterId, s.inviteId, ...userIds],
        // A body property `<thing>Id` takes the ids of `<thing>s`, like a path parameter.
        named: {
          ...Object.fromEntries(Object.entries(known).map(([name, ids]) => [`${name.replace(/s$/, '')}Id`, ids])),
          version: [1],
          token: [s.inviteToken],
          resource: ['hp'],
        },
        emails: Object.values(users).map((user) => user.email),
        strings: [...harvested, s.inviteToken, ...Object.values(users).map((user) => user.password)],
        objects: s.sheets as Array<Record<string, unknown>>,
      },
    };
  }

  /**
   * Candidates for a path parameter: `{id}` takes the ids of the collection before it (`/v1/rulesets/{id}`),
   * `{groupId}` those of `groups`, other names what the scenario knows by that name, else anything known.
   */
  function candidates(name: string, template: string, p: ReturnType<typeof pool>): string[] {
    const collection =
      name === 'id' ? /\/([a-z-]+)\/\{id\}/.exec(template)?.[1] : name.endsWith('Id') ? `${name.slice(0, -2)}s` : name;
    const found = collection ? p.known[collection] : undefined;
    return found && found.length > 0 ? found : p.all;
  }

  function requestFor(operation: Operation, s: Awaited<ReturnType<typeof scenario>>): fc.Arbitrary<FuzzRequest> {
    const p = pool(s);
    const segments = operation.pathParameters.map((name) => segmentFor(candidates(name, operation.template, p)));
    return fc
      .record({
        caller: fc.oneof(
          ...CALLERS.map((caller) => ({ weight: CALLER_WEIGHTS[caller], arbitrary: fc.constant(caller) })),
        ),
        segments: fc.tuple(...segments),
        query: queryFor(operation.queryParameters, p.values),
        body: operation.body
          ? bodyFor(operation.body, p.values)
          : // fetch cannot send a GET or HEAD body (Fastify would not read one anyway)
            operation.method === 'GET' || operation.method === 'HEAD'
            ? fc.constant(undefined)
            : strayBody(),
      })
      .map(({ caller, segments: values, query, body }) => {
        let index = 0;
        const path = operation.template.replace(/\{[^}]+\}/g, () => values[index++] ?? '');
        return { caller, path: query ? `${path}?${query}` : path, body };
      });
  }

  /** Waits until nothing runs in the background that could write: queued mails, feature-plugin event delivery. */
  async function settled(): Promise<void> {
    await ctx.host.app.get(AccountMailService).idle();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const behind = await ctx.db.query(
        `SELECT 1 FROM plugin_event_cursors c JOIN groups g ON g.id = c.group_id WHERE g.event_seq > c.last_seq LIMIT 1`,
      );
      if (behind.rowCount === 0) return;
      if (Date.now() > deadline) throw new Error('feature-plugin event delivery did not catch up within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function send(request: FuzzRequest, operation: Operation) {
    const headers: Record<string, string> = {};
    const token =
      request.caller === 'bogus token'
        ? 'not.a.jwt'
        : request.caller === 'anonymous'
          ? undefined
          : users[request.caller].accessToken;
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.body?.contentType) headers['content-type'] = request.body.contentType;
    const response = await fetch(`${ctx.host.url}${request.path}`, {
      method: operation.method,
      headers,
      body: request.body ? new Uint8Array(request.body.bytes) : undefined,
      redirect: 'manual',
    }).catch((error: Error & { cause?: { code?: string; message?: string } }) => {
      throw new Error(
        `no answer (${error.cause?.code ?? error.cause?.message ?? error.message}): ${describeRequest(request, operation)}`,
      );
    });
    const type = response.headers.get('content-type') ?? '';
    // A stream (Server-Sent Events) never ends: its headers are the answer.
    const text = type.startsWith('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
    return { status: response.status, type, text };
  }

  function describeRequest(request: FuzzRequest, operation: Operation): string {
    const body = request.body
      ? ` body(${request.body.contentType ?? 'no content type'}; ${request.body.mutation}) ${request.body.bytes.toString('utf8').slice(0, 300)}`
      : '';
    return `${operation.method} ${request.path.slice(0, 300)} as ${request.caller}${body}`;
  }

  /** Checks the invariants for one request; throws a description of the first broken one. */
  async function check(request: FuzzRequest, operation: Operation): Promise<void> {
    await settled();
    const before = await databaseDigest(ctx.db);
    const answer = await send(request, operation);
    const counts = statuses.get(`${operation.method} ${operation.template}`) ?? {};
    counts[`${Math.floor(answer.status / 100)}xx`] = (counts[`${Math.floor(answer.status / 100)}xx`] ?? 0) + 1;
    statuses.set(`${operation.method} ${operation.template}`, counts);
    const where = `${describeRequest(request, operation)} → ${answer.status} ${answer.text.slice(0, 300)}`;
    if (answer.status >= 500) throw new Error(`5xx: ${where}`);
    if (answer.status < 400) return;
    const problem = parseObject(answer.text);
    if (!problem) throw new Error(`refusal without a JSON body: ${where}`);
    if (!answer.type.startsWith('application/problem+json')) throw new Error(`refusal as ${answer.type}: ${where}`);
    if (problem.status !== answer.status || typeof problem.code !== 'string' || typeof problem.type !== 'string')
      throw new Error(`not a problem document with status and code: ${where}`);
    await settled();
    const changed = changedTables(before, await databaseDigest(ctx.db));
    if (changed.length > 0) throw new Error(`refusal changed ${changed.join(', ')}: ${where}`);
  }

  it('finds no 5xx, no refusal that is not a problem document and no state change on refusal', async () => {
    const selected = operations().filter(
      (operation) => !ONLY || `${operation.method} ${operation.template}`.includes(ONLY),
    );
    expect(selected.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const operation of selected) {
      const name = `${operation.method} ${operation.template}`;
      const s = await scenario();
      let broken: string | undefined;
      try {
        await fc.assert(
          fc.asyncProperty(requestFor(operation, s), async (request) => {
            runsPerOperation.set(name, (runsPerOperation.get(name) ?? 0) + 1);
            await check(request, operation).catch((error: Error) => {
              broken = error.message;
              throw error;
            });
          }),
          { seed: seedFor(name), numRuns: RUNS, endOnFailure: true },
        );
      } catch (error) {
        failures.push(
          `${name} (FUZZ_SEED=${SEED} FUZZ_ONLY="${name}"): ${broken ?? (error as Error).message.slice(0, 600)}`,
        );
      }
      const live = await ctx.http('GET', '/health/live');
      if (live.status !== 200) failures.push(`${name}: the host stopped answering /health/live (${live.status})`);
    }
    process.stdout.write(summary(statuses));
    expect(failures).toEqual([]);
    for (const operation of selected)
      expect(runsPerOperation.get(`${operation.method} ${operation.template}`)).toBe(RUNS);
  }, 600_000);
});

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Requests by status class, and the operations no generated request got through (informational). */
function summary(statuses: Map<string, Record<string, number>>): string {
  const total: Record<string, number> = {};
  for (const counts of statuses.values())
    for (const [status, count] of Object.entries(counts)) total[status] = (total[status] ?? 0) + count;
  const neverAccepted = [...statuses].filter(([, counts]) => !counts['2xx']).map(([name]) => name);
  return (
    `Fuzzed ${statuses.size} operations: ${Object.entries(total)
      .sort()
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ')}\n` + (neverAccepted.length > 0 ? `Never answered 2xx: ${neverAccepted.join('; ')}\n` : '')
  );
}

/** The run's seed mixed with the operation, so adding a route does not change the other routes' cases. */
function seedFor(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (SEED ^ hash) | 0;
}
