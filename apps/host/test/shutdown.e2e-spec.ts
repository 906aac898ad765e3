import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from './support/database.js';
import { accepts, freePort } from './support/ports.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'apps/host/dist/main.js');

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface SlowRequest {
  /** Sends the rest of the body; the promise resolves with the complete response. */
  finish(): Promise<{ status: number; body: string }>;
}

/**
 * Opens a POST whose body arrives slowly: the headers and half the body now, the rest on `finish()`.
 * This is a genuinely in-flight request without any test-only route: Fastify reads the whole body
 * before the handler runs, exactly as it does for a client on a slow link. The route is the real
 * login endpoint, which answers an unknown account with 401 after the database lookup and argon2.
 */
function startSlowLogin(port: number): Promise<SlowRequest> {
  const payload = JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password-at-all' });
  const half = Math.floor(payload.length / 2);
  return new Promise((resolveStarted, rejectStarted) => {
    const response = new Promise<{ status: number; body: string }>((resolveResponse, rejectResponse) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/auth/login',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body }));
          res.on('error', rejectResponse);
        },
      );
      request.on('error', (error) => {
        rejectResponse(error);
        rejectStarted(error);
      });
      request.flushHeaders();
      request.write(payload.slice(0, half), () =>
        resolveStarted({
          finish: () => {
            request.end(payload.slice(half));
            return response;
          },
        }),
      );
    });
    response.catch(() => undefined);
  });
}

describe('graceful shutdown of the built host', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let port: number;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(MAIN)) {
      const build = spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/host/tsconfig.app.json'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      if (build.status !== 0) throw new Error(`Building the host failed:\n${build.stdout}${build.stderr}`);
    }
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'cm-shutdown-'));
    port = await freePort();
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes the in-flight request, refuses new connections and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        JWT_SECRET: 'shutdown-test-secret-shutdown-test-secret',
        SMTP_URL: 'smtp://127.0.0.1:1',
        ARGON2_MEMORY_KIB: '4096',
        ARGON2_TIME_COST: '1',
        SHUTDOWN_GRACE_MS: '10000',
        LOG_LEVEL: 'info', // request logs tell the test when its slow request is in flight
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child!.once('exit', (code, signal) => done({ code, signal })),
    );

    await waitUntil(
      async () => {
        if (child!.exitCode !== null) throw new Error(`Host exited during start-up:\n${output}`);
        return fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      'the host to become ready',
    );

    const slow = await startSlowLogin(port);
    // In flight = the host has parsed the request's headers (Fastify logs it) and waits for the body. Bytes
    // still unread in the socket are not a request yet: a connection without one is closed as idle.
    await waitUntil(
      async () => /"incoming request"[^\n]*\/v1\/auth\/login|\/v1\/auth\/login[^\n]*"incoming request"/.test(output),
      10_000,
      'the slow request to arrive',
    );
    child.kill('SIGTERM');

    // The listener closes while the request is still waiting for the rest of its body.
    await waitUntil(async () => !(await accepts(port)), 10_000, 'the listener to close');
    expect(child.exitCode).toBeNull();

    const response = await slow.finish();
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ status: 401, code: 'unauthenticated' });

    const { code, signal } = await exited;
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(await accepts(port)).toBe(false);
  }, 90_000);

  it('stops in order on Ctrl-C with embedded PostgreSQL: exit 0, no error, nothing left running', async () => {
    const embeddedDir = await mkdtemp(join(tmpdir(), 'cm-ctrl-c-'));
    // As root, PostgreSQL runs as `postgres`, which must traverse the folder (mkdtemp makes it 0700).
    await chmod(embeddedDir, 0o755);
    const appPort = await freePort();
    const pgPort = await freePort();
    let log = '';
    // A terminal's Ctrl-C sends SIGINT to its whole foreground process group: the host gets a group of its own
    // here, and the signal goes to the group.
    const host = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(appPort),
        DATA_DIR: embeddedDir,
        EMBEDDED_POSTGRES_PORT: String(pgPort),
        JWT_SECRET: 'ctrl-c-test-secret-ctrl-c-test-secret-00',
        SMTP_URL: 'smtp://127.0.0.1:1',
        SHUTDOWN_GRACE_MS: '3000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    host.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    host.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      host.once('exit', (code, signal) => done({ code, signal })),
    );
    try {
      await waitUntil(
        async () => {
          if (host.exitCode !== null) throw new Error(`Host exited during start-up:\n${log}`);
          return fetch(`http://127.0.0.1:${appPort}/health/ready`).then(
            (r) => r.ok,
            () => false,
          );
        },
        90_000,
        'the host with embedded PostgreSQL to become ready',
      );
      process.kill(-host.pid!, 'SIGINT');
      const { code, signal } = await exited;
      const lines = log.split('\n').filter(Boolean);
      const problems = lines.filter(
        (line) => !line.startsWith('{') || (JSON.parse(line) as { level: number }).level >= 50,
      );
      expect({ code, signal, problems }).toEqual({ code: 0, signal: null, problems: [] });
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toContainEqual(expect.stringMatching(/^Shut down in \d+ ms$/));
      // PostgreSQL was stopped by the host, not left behind: its port is free again.
      expect(await accepts(pgPort)).toBe(false);
    } finally {
      if (host.exitCode === null && host.signalCode === null) process.kill(-host.pid!, 'SIGKILL');
      await rm(embeddedDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the built host in production', () => {
  it('refuses to start without JWT_SECRET and SMTP_URL, saying so, before touching anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cm-prod-'));
    try {
      const result = spawnSync(process.execPath, [MAIN], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Invalid configuration');
      expect(result.stderr).toMatch(/JWT_SECRET is required in production/);
      expect(result.stderr).toMatch(/SMTP_URL is required in production/);
      // No generated secret, no embedded database.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
