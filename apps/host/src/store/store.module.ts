import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { KEY_VALUE_STORE, type KeyValueStore } from './key-value-store.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';

/** Creates the store named by the configuration: Redis when REDIS_URL is set, in-process otherwise. */
export async function createKeyValueStore(config: ResolvedConfig): Promise<KeyValueStore> {
  const logger = new Logger('StoreModule');
  if (!config.redisUrl) {
    logger.warn('REDIS_URL is not set: refresh sessions and rate limits live in this process (single instance only)');
    return new MemoryStore();
  }
  const store = new RedisStore(config.redisUrl, config.redisKeyPrefix);
  // Start even when Redis is down; health/ready reports it and it reconnects by itself.
  await store.connect().catch((error: Error) => logger.warn(`Redis is not reachable yet: ${error.message}`));
  return store;
}

@Global()
@Module({
  providers: [{ provide: KEY_VALUE_STORE, inject: [APP_CONFIG], useFactory: createKeyValueStore }],
  exports: [KEY_VALUE_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
