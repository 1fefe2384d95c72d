/**
 * One XMPP session: connect securely, authenticate, bind, then send and
 * receive chat messages, presence and roster changes as plain data. Shared by
 * every subcommand and, later, the interactive mode.
 */
import { ConnectionError, UsageError } from "../errors.ts";
import { Emitter } from "./_emitter.ts";
import { resolveCandidates } from "./_resolve.ts";
import { authenticate } from "./_sasl.ts";
import { createTransport, destroySocket, requireTls } from "./_transport.ts";
import {
  createEntity,
  type Element,
  type Entity,
  parseJid,
  type Plugins,
  setupPlugins,
  xml,
} from "./_xmpp_js.ts";
import { toAppError } from "./errors.ts";
import { createInbound } from "./_inbound.ts";
import {
  fetchRoster,
  type Link,
  sendChatState,
  sendPresence,
  sendSubscription,
  setRosterItem,
} from "./_requests.ts";
import { toRosterItem } from "./stanzas.ts";
import type {
  ChatState,
  Presence,
  PresenceShow,
  RosterItem,
  SessionEvents,
  SessionTimings,
} from "./types.ts";

const NS_ROSTER = "jabber:iq:roster";
const NS_PING = "urn:xmpp:ping";
const NS_SM = "urn:xmpp:sm:3";
const NS_STREAM = "http://etherx.jabber.org/streams";

/** How to reach and log in to the server. */
export interface SessionOptions {
  /** Bare JID of the account, `user@domain`. */
  jid: string;
  password: string;
  /** Resource to bind; the server picks one when absent. */
  resource?: string;
  /** Host, address or `xmpp://`/`xmpps://` URI; SRV lookup when absent. */
  server?: string;
  port?: number;
  /** PEM text of extra CAs to trust (XMPP_CA_FILE). */
  extraCa?: string;
  /** Limit for connecting and for each request, in ms (default 15 000). */
  timeoutMs?: number;
}

/** What `sendMessage` resolves to once the server has the message. */
export interface SentMessage {
  id: string;
  sentAt: Date;
}

/** A live session; `await using` stops it. */
export interface Session extends AsyncDisposable {
  /** Full JID once online (`user@domain/resource`), else the bare JID. */
  readonly jid: string;
  /** Bare JID of the account, lower-case. */
  readonly bareJid: string;
  /** Where the time of `start()` went. */
  readonly timings: SessionTimings;
  /** Connects, secures, authenticates and binds. */
  start(): Promise<void>;
  /** Sends a chat message; resolves when the server has acknowledged it. */
  sendMessage(to: string, body: string): Promise<SentMessage>;
  /** Fetches the roster. */
  getRoster(): Promise<RosterItem[]>;
  /** Adds or renames a roster contact. */
  updateContact(
    jid: string,
    options?: { name?: string; groups?: string[] },
  ): Promise<void>;
  /** Removes a contact from the roster (and any subscription). */
  removeContact(jid: string): Promise<void>;
  /** Tells a contact we are typing, paused … (XEP-0085); no acknowledgement is awaited. */
  sendChatState(to: string, state: ChatState): Promise<void>;
  /** Asks to see a contact's presence. */
  requestSubscription(jid: string): Promise<void>;
  /** Answers a contact's subscription request. */
  answerSubscription(jid: string, approve: boolean): Promise<void>;
  /** Announces our presence (initial presence when called first). */
  sendPresence(show?: PresenceShow, status?: string): Promise<void>;
  /** Presences known for a contact's resources. */
  presencesOf(bareJid: string): Presence[];
  /** Waits until the server has handled everything sent before. */
  roundTrip(): Promise<void>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SessionEvents>(
    event: K,
    handler: (payload: SessionEvents[K]) => void,
  ): () => void;
  /** Goes offline cleanly: no timers or sockets are left behind. */
  stop(): Promise<void>;
}

/** Returns the lower-case bare form of a JID, or throws `UsageError`. */
export function toBareJid(text: string, what = "JID"): string {
  let parsed;
  try {
    parsed = parseJid(text.trim());
  } catch (err) {
    throw new UsageError(
      `Invalid ${what} "${text}": ${err instanceof Error ? err.message : err}`,
      {
        hint: "A JID looks like user@example.com",
      },
    );
  }
  if (!parsed.local || !parsed.domain || /\s/.test(text.trim())) {
    throw new UsageError(`Invalid ${what} "${text}": expected user@domain`, {
      hint: "A JID looks like user@example.com",
    });
  }
  return parsed.bare().toString().toLowerCase();
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      const err = new Error(`no answer within ${ms} ms`);
      err.name = "TimeoutError";
      reject(err);
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
  let stopping = false;

  async function connectOnce(candidate: string): Promise<void> {
    service = candidate;
    const since = () => Math.round(performance.now() * 10) / 10;
    timings.started = since();
    const e = createEntity({
      domain,
      service: candidate,
      timeout: Math.min(timeoutMs, 5000),
    });
    e.transports.push(
      createTransport({ servername: domain, extraCa: options.extraCa }),
    );
    const p = setupPlugins(e, options.resource, (features) => {
      requireTls(
        features,
        { servername: domain, extraCa: options.extraCa },
        () => {
          timings.secured = since();
        },
      );
      authenticate(features, { username, password: options.password }, () => {
        timings.authenticated = since();
      });
    });
    p.streamManagement.requestAckDebounce = 0;
    p.iqCallee.get(NS_PING, "ping", () => true);
    p.iqCallee.set(NS_ROSTER, "query", ({ stanza }) => {
      const from = stanza.attrs.from;
      if (from && toBareSafe(from) !== bareJid) return undefined; // spoofed push
      for (const item of stanza.getChild("query")?.getChildren("item") ?? []) {
        const parsed = toRosterItem(item);
        if (parsed) events.emit("roster", parsed);
      }
      return true;
    });
    entity = e;
    plugins = p;
    let smOffered = false;
    const smSettled = new Promise<void>((resolve) => {
      e.on(
        "nonza",
        ((el: Element) => {
          if (
            el.is("features", NS_STREAM) && el.getChild("sm", NS_SM)
          ) smOffered = true;
          if (el.is("enabled", NS_SM) || el.is("failed", NS_SM)) {
            smEnabled = el.is("enabled", NS_SM);
            // Resolve after xmpp.js has handled the same element.
            setTimeout(resolve, 0);
          }
        }) as never,
      );
    });
    e.on("connect", (() => (timings.connected ??= since())) as never);
    e.on("stanza", inbound.onStanza as never);
    e.on(
      "offline",
      (() => {
        if (!stopping) events.emit("status", "offline");
      }) as never,
    );
    e.on(
      "disconnect",
      (() => {
        if (!stopping) events.emit("status", "offline");
      }) as never,
    );
    e.on("error", (() => {}) as never); // surfaced through start() and status
    if (Deno.env.get("PIDGIN_DEBUG_XML")) {
      e.on(
        "element",
        ((el: Element) =>
          console.error(
            performance.now().toFixed(1),
            "IN",
            el.toString().slice(0, 60),
          )) as never,
      );
      e.on(
        "send",
        ((el: Element) =>
          console.error(
            performance.now().toFixed(1),
            "OUT",
            el.toString().slice(0, 60),
          )) as never,
      );
    }
    await e.start();
    timings.bound = since();
    if (smOffered) await withTimeout(smSettled, timeoutMs, () => {});
  }

  function toBareSafe(jid: string): string | undefined {
    try {
      return parseJid(jid).bare().toString().toLowerCase();
    } catch {
      return undefined;
    }
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
      return await run({ entity: e, plugins: p, timeoutMs });
    } catch (err) {
      throw toAppError(err, { jid: bareJid, service });
    }
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
            const onAck = (s: Element) => {
              if (s !== stanza) return;
              sm.off("ack", onAck);
              sm.off("fail", onFail);
              resolve();
            };
            const onFail = (s: Element) => {
              if (s !== stanza) return;
              sm.off("ack", onAck);
              sm.off("fail", onFail);
              reject(new Error("the server did not acknowledge the message"));
            };
            sm.on("ack", onAck);
            sm.on("fail", onFail);
          });
          await e.send(stanza);
          await withTimeout(acked, timeoutMs, () => {});
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
        await p.iqCaller.request(
          xml(
            "iq",
            { type: "get", to: domain },
            xml("ping", { xmlns: NS_PING }),
          ),
          timeoutMs,
        );
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
