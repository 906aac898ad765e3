import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, dependencyUnavailable } from '../common/domain-error.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import type {
  ObjectDelivery,
  PresignedUpload,
  PresignPutOptions,
  StorageDriver,
  StoredObjectInfo,
} from './storage-driver.js';
import { isValidStorageKey } from './storage-keys.js';

/** Injection token of the active StorageDriver. */
export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');

/**
 * The object store of this host (S3 when S3_BUCKET is set, local disk otherwise). Validates every
 * key, and turns any failure of the store into a 503 `dependency_unavailable` problem.
 */
@Injectable()
export class StorageService {
  private readonly logger = new Logger(StorageService.name);

  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  get kind(): StorageDriver['kind'] {
    return this.driver.kind;
  }

  /** The local driver when it is the active one (its upload route exists only then). */
  get localDriver(): LocalStorageDriver | null {
    return this.driver instanceof LocalStorageDriver ? this.driver : null;
  }

  presignPut(key: string, options: PresignPutOptions): Promise<PresignedUpload> {
    return this.call('presign an upload', key, () => this.driver.presignPut(key, options));
  }

  head(key: string): Promise<StoredObjectInfo | null> {
    return this.call('read an object', key, () => this.driver.head(key));
  }

  readFirstBytes(key: string, n: number): Promise<Uint8Array | null> {
    return this.call('read an object', key, () => this.driver.readFirstBytes(key, n));
  }

  delete(key: string): Promise<void> {
    return this.call('delete an object', key, () => this.driver.delete(key));
  }

  /** Deletes an object, logging instead of failing: for clean-up after the real work succeeded. */
  async deleteQuietly(key: string): Promise<void> {
    await this.delete(key).catch((error: Error) => this.logger.warn(`Could not delete ${key}: ${error.message}`));
  }

  open(key: string): Promise<ObjectDelivery | null> {
    return this.call('read an object', key, () => this.driver.open(key));
  }

  ping(): Promise<void> {
    return this.call('reach the store', undefined, () => this.driver.ping());
  }

  publicUrl(key: string): string {
    assertKey(key);
    return this.driver.publicUrl(key);
  }

  /** The key of a URL made by publicUrl(), or null when the URL is not one of ours. */
  keyOfPublicUrl(url: string): string | null {
    const marker = 'portraits/';
    const base = this.driver.publicUrl(marker).slice(0, -marker.length);
    if (!url.startsWith(base)) return null;
    const key = url.slice(base.length);
    return isValidStorageKey(key) ? key : null;
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async call<T>(what: string, key: string | undefined, operation: () => Promise<T>): Promise<T> {
    if (key !== undefined) assertKey(key);
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn(
        `Object storage (${this.driver.kind}) failed to ${what}: ${(error as Error)?.message ?? String(error)}`,
      );
      throw dependencyUnavailable('Object storage');
    }
  }
}

function assertKey(key: string): void {
  if (!isValidStorageKey(key)) throw new DomainError('bad_request', 'Invalid storage key');
}
