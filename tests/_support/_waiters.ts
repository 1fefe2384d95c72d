/** Promises that settle when a condition over changing state becomes true, each with a timeout. */

interface Waiter {
  probe: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** A set of pending waits, re-checked whenever the owner calls `check()`. */
export interface Waiters {
  /**
   * Resolves with what `probe` returns once that is not `undefined` (checked at
   * once and on every `check()`); rejects with what `probe` throws, or after `timeoutMs` with what
   * `describe` says was awaited. The returned promise is marked handled, so a
   * wait that nobody awaits never becomes an unhandled rejection.
   */
  add<T>(
    probe: () => T | undefined,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T>;
  /** Settles every wait whose probe is now satisfied. */
  check(): void;
  /** Rejects every pending wait and clears its timer. */
  cancel(reason: string): void;
}

/** Creates an empty set of waits. */
export function createWaiters(): Waiters {
  const pending = new Set<Waiter>();
  const settle = (w: Waiter) => {
    let value: unknown;
    try {
      value = w.probe();
    } catch (err) {
      pending.delete(w);
      clearTimeout(w.timer);
      w.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (value === undefined) return;
    pending.delete(w);
    clearTimeout(w.timer);
    w.resolve(value);
  };
  return {
    add<T>(
      probe: () => T | undefined,
      timeoutMs: number,
      describe: () => string,
    ): Promise<T> {
      const promise = new Promise<T>((resolve, reject) => {
        const w: Waiter = {
          probe,
          resolve: resolve as (value: unknown) => void,
          reject,
          timer: setTimeout(() => {
            pending.delete(w);
            reject(
              new Error(
                `Timed out after ${timeoutMs} ms waiting for ${describe()}`,
              ),
            );
          }, timeoutMs),
        };
        pending.add(w);
        settle(w);
      });
      promise.catch(() => {});
      return promise;
    },
    check() {
      for (const w of [...pending]) settle(w);
    },
    cancel(reason) {
      for (const w of pending) {
        clearTimeout(w.timer);
        w.reject(new Error(reason));
      }
      pending.clear();
    },
  };
}
