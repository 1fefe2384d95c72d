/**
 * A session's connections over its life: the first connect (`start()`),
 * noticing a dead connection (`_keepalive.ts`), and, with `reconnect`,
 * resuming the stream or binding a new session after a break, with backoff
 * (`_reconnect.ts`), until `stop()` or a failure retrying cannot fix.
 */
import { AppError, ConnectionError } from "../errors.ts";
import type { Emitter } from "./_emitter.ts";
import { connectAny } from "./_attempt.ts";
import type { Connection, Ready } from "./_connect.ts";
import { ConnectionClosed } from "./_failures.ts";
import { type Keepalive, startKeepalive } from "./_keepalive.ts";
import { backoff, isRetryable, STABLE_MS } from "./_reconnect.ts";
import { type Link, ping } from "./_requests.ts";
import { withTimeout } from "./_timeout.ts";
import { destroySocket, holdReading } from "./_transport.ts";
import type { Element } from "./_xmpp_js.ts";
import { describeDisconnect, type ErrorContext } from "./errors.ts";
import type { StreamManagement } from "./stream_management.ts";
import type {
  RosterItem,
  SessionEvents,
  SessionOptions,
  SessionTimings,
} from "./types.ts";

/** How a connection came to be ready. */
export type ReadyKind = "first" | "new" | "resumed";

/** What the lifecycle needs from the session. */
export interface LifecycleOptions {
  options: SessionOptions;
  bareJid: string;
  domain: string;
  username: string;
  timeoutMs: number;
  events: Emitter<SessionEvents>;
  timings: SessionTimings;
  sm: StreamManagement;
  onStanza(stanza: Element): void;
  onRead(): void;
  onRosterPush(item: RosterItem): void;
  /** A connection is ready; runs before the `status` event. */
  onReady(link: Link, kind: ReadyKind, smEnabled: boolean): void;
  /** The connection closed (whether or not a reconnect follows). */
  onClosed(): void;
  /** The session ended for good (not by `stop()`). */
  onEnded(reason: AppError): void;
}

/** The connections of one session. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The live connection, or `undefined`. */
  link(): Link | undefined;
  /** The live connection, or the `AppError` saying why there is none. */
  requireOnline(): Link;
  /** True while a broken connection is being replaced. */
  readonly reconnecting: boolean;
  readonly smEnabled: boolean;
  readonly jid: string | undefined;
  readonly connection: Connection | undefined;
  context(online?: boolean): ErrorContext;
  /** `promise`, or a rejection as soon as the connection closes under it. */
  untilClosed<T>(promise: Promise<T>): Promise<T>;
  /** We asked the server for an answer (for dead-connection detection). */
  probing(): void;
  /** Holds reading from the server back while the message handler is far behind. */
  holdReading(on: boolean): void;
}

/** Creates the lifecycle; nothing happens until `start()`. */
export function createLifecycle(o: LifecycleOptions): Lifecycle {
  const { options, events, timeoutMs } = o;
  const baseMs = options.reconnectBaseMs ?? 1000;
  const maxMs = options.reconnectMaxMs ?? 60_000;
  let connection: Connection | undefined;
  let online = false;
  let smEnabled = false;
  let reconnecting = false;
  let stopping = false;
  let ended = false;
  let lost: AppError | undefined;
  let service = options.server ?? o.domain;
  let keepalive: Keepalive | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let onlineSince = 0;
  let held = false;
  /** Fails what still awaits an answer when the connection closes. */
  const inFlight = new Set<(err: Error) => void>();

  function context(isOnline = false): ErrorContext {
    return {
      jid: o.bareJid,
      service,
      online: isOnline,
      boundJid: connection?.entity.jid?.toString(),
      opened: connection?.entity.progress.opened,
    };
  }

  function linkOf(c: Connection): Link {
    return {
      entity: c.entity,
      plugins: c.plugins,
      timeoutMs,
      largeReplies: c.state.largeReplies,
    };
  }

  /** Connects to the first candidate that works (see `_attempt.ts`). */
  function connect(): Promise<{ c: Connection; ready: Ready }> {
    return connectAny(o, {
      stopped: () => stopping,
      context,
      opening(c, candidate) {
        service = candidate;
        connection = c;
      },
      handlers: (c) => {
        let closedOnce = false;
        return {
          onStanza: o.onStanza,
          onRead: () => {
            keepalive?.activity();
            o.onRead();
          },
          onRosterPush: o.onRosterPush,
          onClosed: () => {
            if (closedOnce) return;
            closedOnce = true;
            closed(c());
          },
        };
      },
    });
  }

  function ready(c: Connection, r: Ready, kind: ReadyKind): void {
    online = true;
    lost = undefined;
    smEnabled = r.streamManagement;
    onlineSince = performance.now();
    const link = linkOf(c);
    keepalive = startKeepalive({
      keepaliveMs: options.keepaliveMs ?? 60_000,
      deadAfterMs: options.deadAfterMs ?? 20_000,
      // XEP-0198 <r/>, else XEP-0199 ping: any answer, even an error, will do.
      probe: () =>
        smEnabled
          ? o.sm.requestAck()
          : void ping(link, o.domain).catch(() => {}),
      dead: (why) => {
        if (connection !== c) return;
        c.entity.failure ??= new ConnectionClosed(why);
        destroySocket(c.entity);
      },
    });
    if (held) applyHold();
    o.onReady(link, kind, smEnabled);
    reconnecting = false;
    events.emit("status", kind === "resumed" ? "resumed" : "online");
  }

  function closed(c: Connection): void {
    if (connection !== c) return;
    keepalive?.stop();
    keepalive = undefined;
    const wasOnline = online;
    online = false;
    const reason = wasOnline && !stopping
      ? describeDisconnect(c.entity.failure, context(true))
      : undefined;
    lost = reason ?? lost;
    for (const fail of inFlight) {
      fail(
        reason ??
          new ConnectionClosed(
            "the connection closed before the server acknowledged it",
          ),
      );
    }
    inFlight.clear();
    o.onClosed();
    // A failing attempt is handled where it was made.
    if (stopping || !wasOnline || !reason) return;
    if (options.reconnect && isRetryable(reason)) {
      if (performance.now() - onlineSince >= STABLE_MS) failures = 0;
      reconnecting = true;
      events.emit("status", "reconnecting");
      schedule(reason);
    } else {
      end(reason);
    }
  }

  function schedule(reason: AppError): void {
    const inMs = backoff(failures++, baseMs, maxMs);
    events.emit("reconnecting", { inMs, reason });
    timer = setTimeout(attempt, inMs);
  }

  async function attempt(): Promise<void> {
    timer = undefined;
    if (stopping) return;
    try {
      const { c, ready: r } = await connect();
      if (stopping) return destroySocket(c.entity);
      ready(c, r, r.resumed ? "resumed" : "new");
    } catch (err) {
      if (stopping) return;
      // A bug (an error no AppError stands for) ends it: retrying repeats it.
      if (!(err instanceof AppError)) {
        return end(describeDisconnect(err as Error, context()));
      }
      if (!isRetryable(err)) return end(err);
      schedule(err);
    }
  }

  function end(reason: AppError): void {
    ended = true;
    reconnecting = false;
    lost = reason;
    o.onEnded(reason);
    events.emit("disconnected", reason);
    events.emit("status", "offline");
  }

  function applyHold(): void {
    if (connection) holdReading(connection.entity, held);
    keepalive?.hold(held);
  }

  function link(): Link | undefined {
    return connection && online && connection.entity.status === "online"
      ? linkOf(connection)
      : undefined;
  }

  return {
    get reconnecting() {
      return reconnecting && !stopping;
    },
    get smEnabled() {
      return smEnabled;
    },
    get jid() {
      return connection?.entity.jid?.toString();
    },
    get connection() {
      return connection;
    },
    context,
    async start() {
      events.emit("status", "connecting");
      const { c, ready: r } = await connect().catch((err) => {
        if (connection) destroySocket(connection.entity);
        throw err;
      });
      ready(c, r, "first");
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      keepalive?.stop();
      const e = connection?.entity;
      if (!e) return;
      try {
        if (e.status === "online") {
          await withTimeout(e.stop(), 2000, () => destroySocket(e));
        } else {
          destroySocket(e);
        }
      } catch {
        destroySocket(e);
      }
      online = false;
    },
    link,
    requireOnline() {
      const live = link();
      if (live) return live;
      throw lost ??
        new ConnectionError("Cannot use the session: it is not online", {
          hint: ended || !options.reconnect
            ? "The connection was lost; run the command again"
            : "The session is reconnecting; try again in a moment",
        });
    },
    untilClosed(promise) {
      let fail: (err: Error) => void = () => {};
      const closedP = new Promise<never>((_, reject) => (fail = reject));
      inFlight.add(fail);
      return Promise.race([promise, closedP]).finally(() =>
        inFlight.delete(fail)
      );
    },
    probing() {
      keepalive?.probing();
    },
    holdReading(on) {
      held = on;
      if (online) applyHold();
    },
  };
}
