/** The fault proxy's state shared by all its connections: faults per direction, byte counts, listeners. */
import type { Direction, ProxyConnection, Traffic } from "./_proxy_pipe.ts";
import type { Waiters } from "./_waiters.ts";

type Listener = (chunk: Uint8Array, connection: ProxyConnection) => void;

/** What pipes obey and report to, plus what the proxy's methods read and set. */
export interface TrafficState extends Traffic {
  /** Turns the fault on or off for `directions`. */
  set(fault: "stall" | "blackhole", directions: Direction[], on: boolean): void;
  count(kind: "forwarded" | "dropped", direction: Direction): number;
  /** Resolves once `n` more bytes than now were forwarded (or dropped) in `direction`. */
  waitFor(
    kind: "forwarded" | "dropped",
    direction: Direction,
    n: number,
    timeoutMs: number,
  ): Promise<void>;
  onBytes(direction: Direction, fn: Listener): () => void;
}

const zero = (): Record<Direction, number> => ({
  "client-to-server": 0,
  "server-to-client": 0,
});

/** Creates the state; `waiters` are re-checked whenever a count changes. */
export function createTraffic(waiters: Waiters): TrafficState {
  const faults = {
    stall: new Set<Direction>(),
    blackhole: new Set<Direction>(),
  };
  const counts = { forwarded: zero(), dropped: zero() };
  const listeners = new Set<{ direction: Direction; fn: Listener }>();
  return {
    stalled: (d) => faults.stall.has(d),
    blackholed: (d) => faults.blackhole.has(d),
    forwarded(d, chunk, connection) {
      counts.forwarded[d] += chunk.length;
      for (const l of listeners) {
        if (l.direction !== d) continue;
        try {
          l.fn(chunk, connection);
        } catch (err) {
          // Fail the test loudly rather than break the pipe.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
      waiters.check();
    },
    discarded(d, n) {
      counts.dropped[d] += n;
      waiters.check();
    },
    set(fault, directions, on) {
      for (const d of directions) {
        if (on) faults[fault].add(d);
        else faults[fault].delete(d);
      }
    },
    count: (kind, d) => counts[kind][d],
    waitFor(kind, d, n, timeoutMs) {
      const counter = counts[kind];
      const start = counter[d];
      return waiters.add(
        () => (counter[d] >= start + n ? true : undefined),
        timeoutMs,
        () => `${n} more bytes ${kind} ${d} (${counter[d] - start} so far)`,
      ).then(() => {});
    },
    onBytes(direction, fn) {
      const entry = { direction, fn };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
}
