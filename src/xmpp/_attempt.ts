/**
 * One connect: the server's candidates (SRV, or the one given) tried in
 * order, each within the timeout, until one is bound or resumed; the
 * failure of the last one, as an `AppError`, when none is.
 */
import {
  type ConnectHandlers,
  type Connection,
  openConnection,
  type Ready,
} from "./_connect.ts";
import { ConnectionClosed } from "./_failures.ts";
import { resolveCandidates, worthAnotherCandidate } from "./_resolve.ts";
import { withTimeout } from "./_timeout.ts";
import { destroySocket } from "./_transport.ts";
import { type ErrorContext, toAppError } from "./errors.ts";
import type { StreamManagement } from "./stream_management.ts";
import type { SessionOptions, SessionTimings } from "./types.ts";

/** Who connects, with what. */
export interface AttemptBasis {
  options: SessionOptions;
  bareJid: string;
  domain: string;
  username: string;
  timeoutMs: number;
  timings: SessionTimings;
  sm: StreamManagement;
}

/** What the attempt tells its caller and asks of it. */
export interface AttemptHooks {
  /** True once the session is being stopped: try no more candidates. */
  stopped(): boolean;
  /** What error messages may name, as of now. */
  context(): ErrorContext;
  /** A connection to `candidate` is being opened: it is the current one. */
  opening(c: Connection, candidate: string): void;
  /** The handlers of the connection `c()` returns. */
  handlers(c: () => Connection): ConnectHandlers;
}

/** Connects to the first candidate that works; throws what the last one failed with. */
export async function connectAny(
  basis: AttemptBasis,
  hooks: AttemptHooks,
): Promise<{ c: Connection; ready: Ready }> {
  const { options, timeoutMs } = basis;
  let candidates: string[];
  try {
    candidates = await resolveCandidates({
      domain: basis.domain,
      server: options.server,
      port: options.port,
    });
  } catch (err) {
    throw toAppError(err, hooks.context());
  }
  let lastError: unknown;
  let lastContext = hooks.context();
  for (const candidate of candidates) {
    if (hooks.stopped()) break;
    const c: Connection = openConnection(
      {
        service: candidate,
        domain: basis.domain,
        bareJid: basis.bareJid,
        username: basis.username,
        password: options.password,
        resource: options.resource,
        extraCa: options.extraCa,
        pinnedMechanism: options.pinnedMechanism,
        timeoutMs,
        timings: basis.timings,
        sm: basis.sm,
      },
      hooks.handlers(() => c),
    );
    hooks.opening(c, candidate);
    try {
      const ready = await withTimeout(c.ready, timeoutMs, () => {
        destroySocket(c.entity);
      });
      return { c, ready };
    } catch (err) {
      lastError = err;
      lastContext = hooks.context();
      destroySocket(c.entity);
      if (!worthAnotherCandidate(err)) break;
    }
  }
  throw toAppError(
    lastError ?? new ConnectionClosed("the session was stopped"),
    lastContext,
  );
}
