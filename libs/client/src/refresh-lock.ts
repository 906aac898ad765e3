/**
 * A lock shared by every tab of the app, so only one of them spends the refresh token at a time (the host treats
 * two refreshes with one token as reuse and ends the login).
 */
export interface RefreshLock {
  /** Runs `task` while holding the lock; waits for the holder to finish first. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The browser's Web Locks API (`navigator.locks`): one holder across every tab and worker of the origin. */
export function webLock(name: string, locks: LockManagerLike): RefreshLock {
  return { run: (task) => locks.request(name, task) };
}

const memoryTails = new Map<string, Promise<unknown>>();

/**
 * An in-process lock for runtimes without Web Locks (Node, old browsers): every Session of this JavaScript realm
 * that uses the same name shares it, like tabs share a Web Lock. It does not reach other processes.
 */
export function memoryLock(name: string): RefreshLock {
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const previous = memoryTails.get(name) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      memoryTails.set(name, tail);
      void tail.then(() => {
        if (memoryTails.get(name) === tail) memoryTails.delete(name);
      });
      return result;
    },
  };
}

/** Web Locks where the runtime has them, the in-process lock otherwise. */
export function defaultRefreshLock(name: string): RefreshLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks && typeof locks.request === 'function' ? webLock(name, locks) : memoryLock(name);
}
