/**
 * One XMPP session: connect securely, authenticate, bind, then send and
 * receive chat messages, presence and roster changes as plain data. Shared by
 * every subcommand and the interactive mode.
 */
import { type AppError, ConnectionError } from "../errors.ts";
import { Emitter } from "./_emitter.ts";
import { resolveCandidates, worthAnotherCandidate } from "./_resolve.ts";
import { assertResource } from "./_bind.ts";
import { type Connection, openConnection } from "./_connect.ts";
import { ConnectionClosed } from "./_failures.ts";
import { DEFAULT_MAX_STANZA_BYTES } from "./_limits.ts";
import {
  acknowledged,
  assertSendable,
  chatMessage,
  toTarget,
} from "./_outgoing.ts";
import { withTimeout } from "./_timeout.ts";
import { destroySocket } from "./_transport.ts";
import { parseJid } from "./_xmpp_js.ts";
import { describeDisconnect, type ErrorContext, toAppError } from "./errors.ts";
import { toBareJid } from "./jid.ts";
import { createInbound } from "./_inbound.ts";
import {
  fetchRoster,
  type Link,
  ping,
  sendChatState,
  sendPresence,
  sendSubscription,
  setRosterItem,
} from "./_requests.ts";
import type {
  Session,
  SessionEvents,
  SessionOptions,
  SessionTimings,
} from "./types.ts";

/**
 * Creates a session; nothing happens on the network until `start()`.
 *
 * Requires net permission (and DNS for SRV when no server is set).
 *
 * @example
 * await using session = createSession({ jid: "alice@example.com", password });
 * await session.start();
 * session.assertSendable("bob@example.com", "hello"); // before logging it
 * await session.sendMessage("bob@example.com", "hello");
 */
export function createSession(options: SessionOptions): Session {
  const bareJid = toBareJid(options.jid);
  const { local: username, domain } = parseJid(bareJid);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const events = new Emitter<SessionEvents>();
  const inbound = createInbound(events);
  const timings: SessionTimings = {};
  let connection: Connection | undefined;
  let service = options.server ?? domain;
  let smEnabled = false;
  let online = false;
  /** Why the last online connection ended, for requests made after it. */
  let lost: AppError | undefined;
  /** Fails the acknowledgements still awaited when the connection closes. */
  const inFlight = new Set<(err: Error) => void>();
  let stopping = false;

  function context(isOnline = false): ErrorContext {
    return {
      jid: bareJid,
      service,
      online: isOnline,
      boundJid: connection?.entity.jid?.toString(),
      opened: connection?.entity.progress.opened,
    };
  }

  async function connectOnce(candidate: string): Promise<void> {
    service = candidate;
    let closed = false;
    const c: Connection = openConnection(
      {
        service: candidate,
        domain,
        bareJid,
        username,
        password: options.password,
        resource: options.resource,
        extraCa: options.extraCa,
        pinnedMechanism: options.pinnedMechanism,
        timeoutMs,
        timings,
      },
      {
        onStanza: inbound.onStanza,
        onRosterPush: (item) => events.emit("roster", item),
        onClosed: () => {
          if (closed) return;
          closed = true;
          const reason = online && !stopping
            ? describeDisconnect(c.entity.failure, context(true))
            : undefined;
          online = false;
          lost = reason ?? lost;
          // Nothing in flight will be answered on this connection any more.
          for (const fail of inFlight) {
            fail(
              reason ??
                new ConnectionClosed(
                  "the connection closed before the server acknowledged it",
                ),
            );
          }
          inFlight.clear();
          if (stopping) return;
          if (reason) events.emit("disconnected", reason);
          events.emit("status", "offline");
        },
      },
    );
    connection = c;
    smEnabled = (await c.ready).streamManagement;
  }

  function requireOnline(): Link {
    if (!connection || !online || connection.entity.status !== "online") {
      throw lost ??
        new ConnectionError("Cannot use the session: it is not online", {
          hint: "The connection was lost; run the command again",
        });
    }
    return {
      entity: connection.entity,
      plugins: connection.plugins,
      timeoutMs,
      largeReplies: connection.state.largeReplies,
    };
  }

  /** Runs a request on the live connection; failures become `AppError`s. */
  async function request<T>(run: (link: Link) => Promise<T>): Promise<T> {
    const link = requireOnline();
    try {
      return await untilClosed(run(link));
    } catch (err) {
      throw toAppError(err, context(true));
    }
  }

  /** `promise`, or a rejection as soon as the connection closes under it. */
  function untilClosed<T>(promise: Promise<T>): Promise<T> {
    let fail: (err: Error) => void = () => {};
    const closed = new Promise<never>((_, reject) => (fail = reject));
    inFlight.add(fail);
    return Promise.race([promise, closed]).finally(() => inFlight.delete(fail));
  }

  async function teardown(): Promise<void> {
    const e = connection?.entity;
    if (!e) return;
    stopping = true;
    try {
      if (e.status === "online") {
        await withTimeout(e.stop(), 2000, () => destroySocket(e));
      } else {
        destroySocket(e);
      }
    } catch {
      destroySocket(e);
    }
  }

  const session: Session = {
    get jid() {
      return connection?.entity.jid?.toString() ?? bareJid;
    },
    bareJid,
    timings,
    get mechanism() {
      return connection?.state.mechanism;
    },
    get maxStanzaBytes() {
      return connection?.state.maxStanzaBytes ?? DEFAULT_MAX_STANZA_BYTES;
    },
    async start() {
      if (options.resource !== undefined) assertResource(options.resource);
      events.emit("status", "connecting");
      let candidates: string[];
      try {
        candidates = await resolveCandidates({
          domain,
          server: options.server,
          port: options.port,
        });
      } catch (err) {
        throw toAppError(err, context());
      }
      let lastError: unknown;
      let lastContext = context();
      for (const candidate of candidates) {
        try {
          await withTimeout(connectOnce(candidate), timeoutMs, () => {
            if (connection) destroySocket(connection.entity);
          });
          online = true;
          lost = undefined;
          events.emit("status", "online");
          return;
        } catch (err) {
          lastError = err;
          lastContext = context();
          await teardown();
          stopping = false;
          if (!worthAnotherCandidate(err)) break;
        }
      }
      throw toAppError(lastError, lastContext);
    },
    assertSendable(to, body) {
      assertSendable(to, body, {
        maxStanzaBytes: session.maxStanzaBytes,
        fullJid: session.jid,
      });
    },
    async sendMessage(to, body) {
      session.assertSendable(to, body);
      const { entity: e } = requireOnline();
      const id = crypto.randomUUID();
      const stanza = chatMessage(toTarget(to), body, id);
      const sentAt = new Date();
      try {
        if (smEnabled) {
          const acked = acknowledged(
            connection!.plugins.streamManagement,
            stanza,
          );
          await e.send(stanza);
          await withTimeout(untilClosed(acked), timeoutMs, () => {});
        } else {
          await e.send(stanza);
          await session.roundTrip();
        }
      } catch (err) {
        throw toAppError(err, context(true));
      }
      return { id, sentAt };
    },
    getRoster() {
      return request((link) => fetchRoster(link));
    },
    updateContact(jid, contact = {}) {
      return request((link) => setRosterItem(link, toBareJid(jid), contact));
    },
    removeContact(jid) {
      return request((link) =>
        setRosterItem(link, toBareJid(jid), { remove: true })
      );
    },
    requestSubscription(jid) {
      return request((link) =>
        sendSubscription(link, toBareJid(jid), "subscribe")
      );
    },
    answerSubscription(jid, approve) {
      return request((link) =>
        sendSubscription(
          link,
          toBareJid(jid),
          approve ? "subscribed" : "unsubscribed",
        )
      );
    },
    sendPresence(show = "available", status) {
      return request((link) => sendPresence(link, show, status));
    },
    sendChatState(to, state) {
      return request((link) => sendChatState(link, toBareJid(to), state));
    },
    presencesOf(bare) {
      return inbound.presencesOf(bare);
    },
    async roundTrip() {
      const link = requireOnline();
      try {
        await untilClosed(ping(link, domain));
      } catch (err) {
        // An error reply is still a reply: the server handled what came before.
        if (err instanceof Error && err.name === "StanzaError") return;
        throw toAppError(err, context(true));
      }
    },
    on(event, handler) {
      return events.on(event, handler);
    },
    async stop() {
      await teardown();
      online = false;
      connection = undefined;
    },
    [Symbol.asyncDispose]() {
      return session.stop();
    },
  };
  return session;
}
