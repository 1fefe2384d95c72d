/**
 * One connection attempt: our entity (`_entity.ts`) with our transports,
 * TLS, SASL, stream management (the session's, resumed or enabled) and
 * resource binding, answering pings and roster pushes, reading the server's
 * stream limits, and recording when each step finished.
 */
import { bindResource } from "./_bind.ts";
import { createEntity, type SafeEntity } from "./_entity.ts";
import { BindError } from "./_failures.ts";
import {
  advertisedMaxBytes,
  answersOneOf,
  DEFAULT_MAX_STANZA_BYTES,
  incomingLimit,
  LARGE_REPLY_BYTES,
} from "./_limits.ts";
import { authenticate } from "./_sasl.ts";
import type { StreamManagement } from "./stream_management.ts";
import { withTimeout } from "./_timeout.ts";
import {
  createTransport,
  InsecureStreamError,
  requireTls,
} from "./_transport.ts";
import { ConnectionClosed } from "./_failures.ts";
import { type Element, type Plugins, setupPlugins } from "./_xmpp_js.ts";
import { toRosterItem } from "./stanzas.ts";
import type { RosterItem, SessionTimings } from "./types.ts";

const NS_ROSTER = "jabber:iq:roster";
const NS_PING = "urn:xmpp:ping";
const NS_STREAM = "http://etherx.jabber.org/streams";
const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";

/** Where and as whom to connect. */
export interface ConnectOptions {
  service: string;
  domain: string;
  /** Our bare JID, lower-case: only it may push roster changes. */
  bareJid: string;
  username: string;
  password: string;
  resource?: string;
  extraCa?: string;
  /** The strongest SASL mechanism this account used before. */
  pinnedMechanism?: string;
  timeoutMs: number;
  /** Filled in as the steps finish. */
  timings: SessionTimings;
  /** The session's stream management, to resume or enable on this connection. */
  sm: StreamManagement;
}

/** What the connection reports upward. */
export interface ConnectHandlers {
  onStanza(stanza: Element): void;
  onRosterPush(item: RosterItem): void;
  /** The elements of one read from the socket were all dispatched. */
  onRead(): void;
  /** The stream or socket ended (on purpose or not). */
  onClosed(): void;
}

/** What the connection learnt about the server. */
export interface ConnectionState {
  /** The SASL mechanism used, once authenticated. */
  mechanism?: string;
  /** The server's stanza size limit (XEP-0478), else Prosody's default. */
  maxStanzaBytes: number;
  /** Ids of requests whose answer may be up to `LARGE_REPLY_BYTES` (the roster). */
  largeReplies: Set<string>;
}

/** What a connection became once ready. */
export interface Ready {
  /** Stream management counts acknowledgements on this connection. */
  streamManagement: boolean;
  /** The previous stream was resumed: same session, nothing re-sent by us. */
  resumed: boolean;
}

/** A connection being opened; `ready` resolves once bound or resumed (and stream management settled). */
export interface Connection {
  entity: SafeEntity;
  plugins: Plugins;
  state: ConnectionState;
  ready: Promise<Ready>;
}

/** Starts one connection attempt. */
export function openConnection(
  options: ConnectOptions,
  handlers: ConnectHandlers,
): Connection {
  const { timings, domain } = options;
  const since = () => Math.round(performance.now() * 10) / 10;
  timings.started = since();
  const state: ConnectionState = {
    maxStanzaBytes: DEFAULT_MAX_STANZA_BYTES,
    largeReplies: new Set(),
  };
  const tls = { servername: domain, extraCa: options.extraCa };
  let sm: ReturnType<StreamManagement["attach"]> | undefined;
  const entity = createEntity({
    domain,
    service: options.service,
    timeout: Math.min(options.timeoutMs, 5000),
  });
  entity.transports.push(
    createTransport(tls, {
      incomingMax: (startTag) =>
        startTag !== undefined && answersOneOf(startTag, state.largeReplies)
          ? LARGE_REPLY_BYTES
          : incomingLimit(state.maxStanzaBytes),
    }),
  );
  const plugins = setupPlugins(entity, (negotiation) => {
    requireTls(negotiation.streamFeatures, tls, () => {
      timings.secured = since();
      entity.progress.secured = true;
    });
    authenticate(negotiation.streamFeatures, {
      username: options.username,
      password: options.password,
      pinned: options.pinnedMechanism,
    }, (mechanism) => {
      state.mechanism = mechanism;
      timings.authenticated = since();
    });
    // Before binding: a resumed stream skips it.
    sm = options.sm.attach(entity, negotiation.streamFeatures);
    bindResource(negotiation, options.bareJid, options.resource);
  });
  plugins.iqCallee.get(NS_PING, "ping", () => true);
  plugins.iqCallee.set(NS_ROSTER, "query", ({ stanza }) => {
    // RFC 6121 2.1.6: only our server (no 'from') or our bare JID may push;
    // anyone else, even our own other resource, gets service-unavailable.
    const from = stanza.attrs.from;
    if (from !== undefined && String(from).toLowerCase() !== options.bareJid) {
      return undefined;
    }
    for (const item of stanza.getChild("query")?.getChildren("item") ?? []) {
      const parsed = toRosterItem(item);
      if (parsed) handlers.onRosterPush(parsed);
    }
    return true;
  });

  entity.on(
    "nonza",
    ((el: Element) => {
      if (el.is("features", NS_STREAM)) onFeatures(el);
    }) as never,
  );
  function onFeatures(features: Element): void {
    // The last features (after login) are the limits that hold.
    state.maxStanzaBytes = advertisedMaxBytes(features) ??
      DEFAULT_MAX_STANZA_BYTES;
    if (!entity.isSecure() && !features.getChild("starttls", NS_TLS)) {
      entity.emit(
        "error",
        new InsecureStreamError("the server does not offer TLS"),
      );
    } else if (
      state.mechanism && !entity.jid &&
      !features.getChild("bind", NS_BIND) &&
      !features.getChild("mechanisms", NS_SASL)
    ) {
      entity.emit(
        "error",
        new BindError("the server offers no resource binding"),
      );
    }
  }
  entity.on("connect", (() => (timings.connected ??= since())) as never);
  entity.on("stanza", handlers.onStanza as never);
  entity.hooks.read = handlers.onRead;
  entity.on("offline", handlers.onClosed as never);
  entity.on("disconnect", handlers.onClosed as never);
  // Requests still waiting get no answer now: fail them (and their timers).
  entity.on(
    "disconnect",
    (() => {
      const closed = new ConnectionClosed(
        "the connection closed before the server answered",
      );
      for (const request of plugins.iqCaller.handlers.values()) {
        request.reject(closed);
      }
      plugins.iqCaller.handlers.clear();
    }) as never,
  );
  entity.on("error", (() => {}) as never); // surfaced through start() and `failure`

  const ready = (async (): Promise<Ready> => {
    await entity.start();
    timings.bound = since();
    if (!sm?.offered) {
      options.sm.notOffered();
      return { streamManagement: false, resumed: false };
    }
    const outcome = await withTimeout(sm.outcome, options.timeoutMs, () => {});
    return {
      streamManagement: outcome !== "unavailable",
      resumed: outcome === "resumed",
    };
  })();
  return { entity, plugins, state, ready };
}
