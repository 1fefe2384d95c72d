/**
 * One XMPP session: connect securely, authenticate, bind, then send and
 * receive chat messages, presence and roster changes as plain data. Shared by
 * every subcommand and, later, the interactive mode.
 */
import { ConnectionError } from "../errors.ts";
import { Emitter } from "./_emitter.ts";
import { resolveCandidates } from "./_resolve.ts";
import { openConnection, withTimeout } from "./_connect.ts";
import { destroySocket } from "./_transport.ts";
import {
  type Element,
  type Entity,
  parseJid,
  type Plugins,
  xml,
} from "./_xmpp_js.ts";
import { toAppError } from "./errors.ts";
import { toBareJid } from "./jid.ts";
import { createInbound } from "./_inbound.ts";
import {
  fetchRoster,
  type Link,
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

const NS_PING = "urn:xmpp:ping";

/**
 * Creates a session; nothing happens on the network until `start()`.
 *
 * Requires net permission (and DNS for SRV when no server is set).
 *
 * @example
 * await using session = createSession({ jid: "alice@example.com", password });
 * await session.start();
 * await session.sendMessage("bob@example.com", "hello");
 */
export function createSession(options: SessionOptions): Session {
  const bareJid = toBareJid(options.jid);
  const [username, domain] = [
    parseJid(bareJid).local,
    parseJid(bareJid).domain,
  ];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const events = new Emitter<SessionEvents>();
  const inbound = createInbound(events);
  const timings: SessionTimings = {};
  let entity: Entity | undefined;
  let plugins: Plugins | undefined;
  let service = options.server ?? domain;
  let smEnabled = false;
  /** Fails the acknowledgements still awaited when the connection closes. */
  const inFlight = new Set<(err: Error) => void>();
  let stopping = false;

  async function connectOnce(candidate: string): Promise<void> {
    service = candidate;
    const connection = openConnection(
      {
        service: candidate,
        domain,
        bareJid,
        username,
        password: options.password,
        resource: options.resource,
        extraCa: options.extraCa,
        timeoutMs,
        timings,
      },
      {
        onStanza: inbound.onStanza,
        onRosterPush: (item) => events.emit("roster", item),
        onClosed: () => {
          // Nothing in flight will be answered on this connection any more.
          for (const fail of inFlight) {
            fail(
              new Error(
                "the connection closed before the server acknowledged it",
              ),
            );
          }
          inFlight.clear();
          if (!stopping) events.emit("status", "offline");
        },
      },
    );
    entity = connection.entity;
    plugins = connection.plugins;
    smEnabled = (await connection.ready).streamManagement;
  }

  function requireOnline(): { entity: Entity; plugins: Plugins } {
    if (!entity || !plugins || entity.status !== "online") {
      throw new ConnectionError("Cannot use the session: it is not online", {
        hint: "The connection was lost; run the command again",
      });
    }
    return { entity, plugins };
  }

  /** Runs a request on the live connection; failures become `AppError`s. */
  async function request<T>(run: (link: Link) => Promise<T>): Promise<T> {
    const { entity: e, plugins: p } = requireOnline();
    try {
      return await untilClosed(run({ entity: e, plugins: p, timeoutMs }));
    } catch (err) {
      throw toAppError(err, { jid: bareJid, service });
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
    const e = entity;
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
      return entity?.jid?.toString() ?? bareJid;
    },
    bareJid,
    timings,
    async start() {
      events.emit("status", "connecting");
      let candidates: string[];
      try {
        candidates = await resolveCandidates({
          domain,
          server: options.server,
          port: options.port,
        });
      } catch (err) {
        throw toAppError(err, { jid: bareJid, service });
      }
      let lastError: unknown;
      for (const candidate of candidates) {
        try {
          await withTimeout(connectOnce(candidate), timeoutMs, () => {
            if (entity) destroySocket(entity);
          });
          events.emit("status", "online");
          return;
        } catch (err) {
          lastError = err;
          await teardown();
          stopping = false;
          const code = err && typeof err === "object" && "code" in err
            ? err.code
            : "";
          const retryable = code === "ECONNREFUSED" || code === "ENOTFOUND" ||
            err instanceof Deno.errors.ConnectionRefused;
          if (!retryable) break;
        }
      }
      throw toAppError(lastError, { jid: bareJid, service });
    },
    async sendMessage(to, body) {
      const { entity: e, plugins: p } = requireOnline();
      const target = parseJid(to).toString();
      const id = crypto.randomUUID();
      const stanza = xml(
        "message",
        { to: target, type: "chat", id },
        xml("body", {}, body),
        xml("active", { xmlns: "http://jabber.org/protocol/chatstates" }),
        xml("request", { xmlns: "urn:xmpp:receipts" }),
      );
      const sentAt = new Date();
      try {
        if (smEnabled) {
          const sm = p.streamManagement;
          const acked = new Promise<void>((resolve, reject) => {
            const settle = (s: Element, outcome: () => void) => {
              if (s !== stanza) return;
              sm.off("ack", onAck);
              sm.off("fail", onFail);
              outcome();
            };
            const onAck = (s: Element) => settle(s, resolve);
            const onFail = (s: Element) =>
              settle(
                s,
                () =>
                  reject(
                    new Error("the server did not acknowledge the message"),
                  ),
              );
            sm.on("ack", onAck);
            sm.on("fail", onFail);
          });
          await e.send(stanza);
          await withTimeout(untilClosed(acked), timeoutMs, () => {});
        } else {
          await e.send(stanza);
          await session.roundTrip();
        }
      } catch (err) {
        throw toAppError(err, { jid: bareJid, service });
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
      const { plugins: p } = requireOnline();
      try {
        await untilClosed(p.iqCaller.request(
          xml(
            "iq",
            { type: "get", to: domain },
            xml("ping", { xmlns: NS_PING }),
          ),
          timeoutMs,
        ));
      } catch (err) {
        // An error reply is still a reply: the server handled what came before.
        if (err instanceof Error && err.name === "StanzaError") return;
        throw toAppError(err, { jid: bareJid, service });
      }
    },
    on(event, handler) {
      return events.on(event, handler);
    },
    async stop() {
      await teardown();
      entity = undefined;
      plugins = undefined;
    },
    [Symbol.asyncDispose]() {
      return session.stop();
    },
  };
  return session;
}
