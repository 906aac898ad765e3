// Issue 2: the cost of auth on the host — login (argon2id), refresh rotation, GET /v1/me beside a bare
// Fastify route doing the same database read, and the idle memory of a host process.
// The host under load runs in this process (started from the build); autocannon runs in a child
// process (bench/lib/load.js) so the load generator does not share the servers' event loop.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createBenchDatabase, freePort, percentile, rssMb, startHostProcess } from '../lib/harness.js';
import { compare, load } from '../lib/load.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENTS = 20;
const SECONDS = 8;
const IDLE_SECONDS = 5;
const ROUNDS = 3;
const ROUND_SECONDS = 3;
const PASSWORD = 'bench-password-1234';

export const title = 'Auth: login, refresh, GET /v1/me vs bare Fastify, idle RSS';

export async function run() {
  const { startHost } = await import('../../apps/host/dist/host-runtime.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'cm-bench-auth-'));
  await chmod(dataDir, 0o755); // embedded PostgreSQL (as root) runs as `postgres` and must traverse it
  await mkdir(join(dataDir, 'no-plugins'));
  const database = await createBenchDatabase().catch(() => undefined); // none: embedded PostgreSQL
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    REDIS_URL,
    REDIS_KEY_PREFIX: `cmbench:${randomBytes(4).toString('hex')}:`,
    AUTH_RATE_LIMIT_MAX: '1000000',
    JWT_SECRET: randomBytes(32).toString('hex'),
    SMTP_URL: process.env.SMTP_URL ?? 'smtp://127.0.0.1:9', // required in production; sign-up mail is not read
    ...(database ? { DATABASE_URL: database.url } : { EMBEDDED_POSTGRES_PORT: String(await freePort()) }),
  };
  const host = await startHost({ ...env, PORT: '0', PLUGINS_DIR: join(dataDir, 'no-plugins') });
  let bare;
  try {
    const { memoryCost, timeCost, parallelism } = host.config.argon2;
    const users = await createUsers(host.url, CLIENTS);

    const loginBody = { email: users[0], password: PASSWORD };
    const login = await load({
      url: `${host.url}/v1/auth/login`,
      method: 'POST',
      body: loginBody,
      connections: 4,
      duration: SECONDS,
    });

    const sessions = await Promise.all(users.map((email) => logIn(host.url, email)));
    const refresh = await load({
      url: `${host.url}/v1/auth/refresh`,
      method: 'POST',
      refreshTokens: sessions.map((session) => session.refreshToken),
      connections: CLIENTS,
      duration: SECONDS,
    });

    const { accessToken, user } = sessions[0];
    bare = await startBareServer(host.config.databaseUrl, user.id);
    const { host: me, bare: bareMe } = await compare(
      { url: `${host.url}/v1/me`, headers: { authorization: `Bearer ${accessToken}` } },
      { url: `${bare.url}/me` },
      { connections: CLIENTS, rounds: ROUNDS, seconds: ROUND_SECONDS },
    );
    const ratio = me.rps / bareMe.rps;
    // Framework cost alone (no auth, no database): tells a slow pipeline from a slow query path.
    const { host: live, bare: bareLive } = await compare(
      { url: `${host.url}/health/live` },
      { url: `${bare.url}/live` },
      { connections: CLIENTS, rounds: ROUNDS, seconds: ROUND_SECONDS },
    );

    const { DATA_DIR: _dataDir, EMBEDDED_POSTGRES_PORT: _port, ...childEnv } = env; // the child gets its own data folder
    const idle = await idleRss({ ...childEnv, DATABASE_URL: host.config.databaseUrl });

    return [
      [
        'argon2id parameters',
        `memory ${memoryCost} KiB, time cost ${timeCost}, parallelism ${parallelism}`,
        'OWASP: 19456 KiB, t=2, p=1',
      ],
      [
        'login p50 / p99 (4 clients)',
        `${ms(login.p50)} / ${ms(login.p99)}  (${login.rps.toFixed(0)} req/s)${failures(login)}`,
        '',
      ],
      [`refresh p50 / p99 (${CLIENTS} clients)`, `${ms(refresh.p50)} / ${ms(refresh.p99)}${failures(refresh)}`, ''],
      [`refresh throughput (${CLIENTS} clients)`, `${refresh.rps.toFixed(0)} req/s`, ''],
      [
        `GET /v1/me (${CLIENTS} clients, median of ${ROUNDS} rounds)`,
        `${me.rps.toFixed(0)} req/s, p99 ${ms(me.p99)}${failures(me)}`,
        '',
      ],
      [
        `bare Fastify + pg, same read (alternating rounds)`,
        `${bareMe.rps.toFixed(0)} req/s, p99 ${ms(bareMe.p99)}${failures(bareMe)}`,
        '',
      ],
      ['GET /v1/me / bare ratio', ratio.toFixed(2), '≥ 0.6'],
      [
        'no-DB route: /health/live vs bare /live',
        `${live.rps.toFixed(0)} vs ${bareLive.rps.toFixed(0)} req/s (${(live.rps / bareLive.rps).toFixed(2)})${failures(live)}`,
        'diagnostic',
      ],
      [
        `host idle RSS (child process, ${IDLE_SECONDS} s idle, bundled plugins loaded)`,
        `${idle.toFixed(0)} MB`,
        '≤ 200 MB',
      ],
    ];
  } finally {
    await bare?.close();
    await host.close();
    await deleteKeys(env.REDIS_KEY_PREFIX); // refresh sessions live 30 days: do not leave them in a shared Redis
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function deleteKeys(prefix) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Registers `count` accounts (login does not need a verified email). */
async function createUsers(url, count) {
  const run = randomBytes(3).toString('hex');
  const emails = Array.from({ length: count }, (_, index) => `bench-${run}-${index}@example.com`);
  for (const email of emails) {
    const response = await post(url, '/v1/auth/register', { email, password: PASSWORD, displayName: 'Bench' });
    if (response.status !== 202) throw new Error(`register answered ${response.status}`);
  }
  return emails;
}

async function logIn(url, email) {
  const response = await post(url, '/v1/auth/login', { email, password: PASSWORD });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return response.body;
}

async function post(url, path, body) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The baseline: plain Fastify + pg, selecting the same user row by id and answering the same fields. */
async function startBareServer(databaseUrl, userId) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/me', async () => {
    const { rows } = await pool.query(
      'SELECT id, email, display_name, email_verified, created_at FROM users WHERE id = $1',
      [userId],
    );
    const user = rows[0];
    return {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      emailVerified: user.email_verified,
      createdAt: user.created_at.toISOString(),
    };
  });
  app.get('/live', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${app.server.address().port}`,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

/**
 * The machine is shared, so throughput drifts: warm both up, then alternate short rounds and take
 * each side's median round, so a burst of outside load hits both sides alike.
 */
/** Starts the built host as a child process, lets it idle, and samples its resident memory. */
async function idleRss(env) {
  const child = await startHostProcess(env);
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const samples = [];
    for (let i = 0; i < 5; i += 1) {
      samples.push(rssMb(child.pid));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return percentile(samples, 50);
  } finally {
    await child.stop();
  }
}

const ms = (value) => `${Number(value).toFixed(1)} ms`;
const failures = (result) =>
  result.non2xx + result.errors > 0 ? ` [${result.non2xx} non-2xx, ${result.errors} errors]` : '';
