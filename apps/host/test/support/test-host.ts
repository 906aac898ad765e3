import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../src/config/app-config.js';
import { startHost, type RunningHost } from '../../src/host-runtime.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestHost extends RunningHost {
  dataDir: string;
  /** Closes the host and removes its temporary data folder. */
  stop(): Promise<void>;
}

/** Starts a real host on a random port with a temporary data folder and the given environment. */
export async function startTestHost(env: Env): Promise<TestHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cm-host-'));
  const host = await startHost({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-test-secret-test-secret-123',
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
    SHUTDOWN_GRACE_MS: '2000',
    // Suites share 127.0.0.1: only the rate-limit suite asks for the real limit (AUTH_RATE_LIMIT_MAX: '10').
    AUTH_RATE_LIMIT_MAX: '1000',
    // Likewise for plugin computations: only the isolation suite asks for a real limit.
    PLUGIN_RATE_LIMIT_MAX: '10000000',
    ...env,
  });
  return {
    ...host,
    dataDir,
    stop: async () => {
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh Redis key prefix, so suites sharing the machine's Redis never see each other's keys. */
export function uniqueRedisPrefix(): string {
  return `cmtest:${Math.random().toString(36).slice(2, 10)}:`;
}
