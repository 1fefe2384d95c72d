/**
 * Dead connections, found in bounded time: after `keepaliveMs` without a
 * byte from the server we probe it (an XEP-0198 `<r/>`, else an XEP-0199
 * ping); a probe with no byte back within `deadAfterMs` means the
 * connection is dead. A timer that fires far later than it was due (the
 * process was suspended, or the machine slept: the wall clock jumped) makes
 * us probe at once, since every connection may have died meanwhile.
 */

/** What keepalive needs from one connection. */
export interface KeepaliveOptions {
  keepaliveMs: number;
  deadAfterMs: number;
  /** Sends a probe; the server's answer (any byte) proves the connection alive. */
  probe(): void;
  /** The connection is dead: `why` says what went unanswered. */
  dead(why: string): void;
}

/** Keepalive of one connection. */
export interface Keepalive {
  /** Bytes arrived from the server. Cheap: called for every read. */
  activity(): void;
  /** We sent something that asks for an answer (a `<r/>`, a ping). */
  probing(): void;
  /**
   * We stop reading on purpose (`true`) or read on: meanwhile no byte can
   * arrive, and that says nothing about the connection.
   */
  hold(on: boolean): void;
  stop(): void;
}

/** Starts watching one connection. */
export function startKeepalive(options: KeepaliveOptions): Keepalive {
  const { keepaliveMs, deadAfterMs } = options;
  // Short enough to notice a suspend soon; the probe itself waits for keepaliveMs.
  const tickMs = Math.max(50, Math.min(keepaliveMs / 4, 5000));
  let lastRead = performance.now();
  /** When the oldest probe not followed by a byte from the server went out. */
  let unanswered: number | undefined;
  let deadTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let woke = false;
  let held = false;

  const check = () => {
    deadTimer = undefined;
    if (stopped) return;
    if (held || unanswered === undefined || lastRead >= unanswered) {
      woke = false; // answered
      return;
    }
    const left = unanswered + deadAfterMs - performance.now();
    if (left > 0) {
      deadTimer = setTimeout(check, left);
      return;
    }
    stopped = true;
    clearTimeout(tickTimer);
    options.dead(
      `the server did not answer for ${formatMs(deadAfterMs)}${
        woke ? " after the computer woke up" : ""
      }`,
    );
  };

  const probing = () => {
    if (stopped) return;
    const now = performance.now();
    if (unanswered === undefined || lastRead >= unanswered) unanswered = now;
    if (deadTimer === undefined) {
      deadTimer = setTimeout(check, unanswered + deadAfterMs - now);
    }
  };

  const probe = () => {
    options.probe();
    probing();
  };

  const schedule = () => {
    const due = performance.now() + tickMs;
    const wallDue = Date.now() + tickMs;
    tickTimer = setTimeout(() => {
      if (stopped) return;
      const now = performance.now();
      const late = Math.max(now - due, Date.now() - wallDue);
      if (held) {
        lastRead = now;
      } else if (late > Math.max(tickMs, 1000)) {
        // Suspended: whatever was open may be gone. Check now, from now.
        woke = true;
        unanswered = undefined;
        clearTimeout(deadTimer);
        deadTimer = undefined;
        probe();
      } else if (now - lastRead >= keepaliveMs && deadTimer === undefined) {
        woke = false;
        probe();
      }
      schedule();
    }, tickMs);
  };
  schedule();

  return {
    activity() {
      lastRead = performance.now();
    },
    probing,
    hold(on) {
      held = on;
      lastRead = performance.now();
    },
    stop() {
      stopped = true;
      clearTimeout(tickTimer);
      clearTimeout(deadTimer);
    },
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
