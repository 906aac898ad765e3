import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';

export type CheckStatus = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckStatus; redis: CheckStatus | 'in-process' };
}

const CHECK_TIMEOUT_MS = 1500;

/** Checks the dependencies a request needs; a failed check recovers by itself when the service is back. */
@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      this.store.kind === 'memory' ? Promise.resolve('in-process' as const) : probe(() => this.store.ping()),
    ]);
    return { ready: database === 'up' && redis !== 'down', checks: { database, redis } };
  }
}

async function probe(check: () => Promise<unknown>): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
