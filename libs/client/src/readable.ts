/**
 * A value that changes over time. `subscribe` calls the listener at once with the current value and on every
 * change, and returns the unsubscriber: the Svelte store contract, so `$state`/`fromStore` and `$store` work.
 */
export interface Readable<T> {
  get(): T;
  subscribe(listener: (value: T) => void): () => void;
}

/** A Readable whose owner sets the value; listeners that throw do not stop the others. */
export class WritableValue<T> implements Readable<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        reportError(error);
      }
    }
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => this.listeners.delete(listener);
  }
}

/** Reports an error thrown by a caller's callback without letting it break the library's own flow. */
export function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}
