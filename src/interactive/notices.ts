/**
 * Notices that can arrive by the thousand (subscription requests, messages
 * in other conversations) are coalesced: the first one shows at once, and
 * what arrives within the next second is shown together, one line per key.
 */

/** Collects items by key and hands them over at most once per window. */
export interface Coalescer<T> {
  add(key: string, item: T): void;
  /** Hands over what is waiting now. */
  flush(): void;
  /** Hands over what is waiting now if the window allows it (at the end of a batch). */
  settle(): void;
  /** Drops the timer; nothing more is handed over. */
  stop(): void;
}

/** Creates a coalescer that calls `show` with the items of each key, in arrival order. */
export function createCoalescer<T>(
  show: (batch: Map<string, T[]>) => void,
  windowMs = 1000,
): Coalescer<T> {
  let waiting = new Map<string, T[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  let stopped = false;
  const coalescer: Coalescer<T> = {
    add(key, item) {
      if (stopped) return;
      let items = waiting.get(key);
      if (!items) waiting.set(key, items = []);
      items.push(item);
      if (timer !== undefined) return;
      const wait = last + windowMs - performance.now();
      if (wait <= 0) {
        // Shown after the batch under way has been added, in one go.
        timer = setTimeout(coalescer.flush, 0);
      } else {
        timer = setTimeout(coalescer.flush, wait);
      }
    },
    settle() {
      if (timer !== undefined && performance.now() >= last + windowMs) {
        coalescer.flush();
      }
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      if (waiting.size === 0) return;
      const batch = waiting;
      waiting = new Map();
      last = performance.now();
      show(batch);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
  return coalescer;
}
