/**
 * The small shared store behind refresh sessions and rate limits. With REDIS_URL it is Redis and
 * shared by every host instance; without, it lives in this process (single instance only).
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets the key only if it does not exist; true when this call set it (first writer wins). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
  /** Counts a hit in a fixed window that starts at the first hit; returns the count and ms until reset. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the KeyValueStore. */
export const KEY_VALUE_STORE = Symbol('KEY_VALUE_STORE');
