/**
 * One connection attempt: our entity (`_entity.ts`) with our transports,
 * TLS, SASL, stream management and resource binding, answering pings and
 * roster pushes, reading the server's stream limits, and recording when
 * each step finished.
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
import { withTimeout } from "./_timeout.ts";
import {
  createTransport,
  InsecureStreamError,
  requireTls,
} from "./_transport.ts";
import { type Element, type Plugins, setupPlugins } from "./_xmpp_js.ts";
import { toRosterItem } from "./stanzas.ts";
import type { RosterItem, SessionTimings } from "./types.ts";

const NS_ROSTER = "jabber:iq:roster";
const NS_PING = "urn:xmpp:ping";
const NS_SM = "urn:xmpp:sm:3";
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
}

/** What the connection reports upward. */
export interface ConnectHandlers {
  onStanza(stanza: Element): void;
  onRosterPush(item: RosterItem): void;
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

/** A connection being opened; `ready` resolves once bound (and stream management settled). */
export interface Connection {
  entity: SafeEntity;
  plugins: Plugins;
  state: ConnectionState;
  ready: Promise<{ streamManagement: boolean }>;
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
    bindResource(negotiation, options.bareJid, options.resource);
  });
  entity.streamManagement = plugins.streamManagement as never;
  plugins.streamManagement.requestAckDebounce = 0;
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

  let offered = false;
  let enabled = false;
  const settled = new Promise<void>((resolve) => {
    entity.on(
      "nonza",
      ((el: Element) => {
        if (el.is("features", NS_STREAM)) onFeatures(el);
        if (el.is("enabled", NS_SM) || el.is("failed", NS_SM)) {
          enabled = el.is("enabled", NS_SM);
          setTimeout(resolve, 0); // after xmpp.js has handled the same element
        }
      }) as never,
    );
  });
  function onFeatures(features: Element): void {
    // The last features (after login) are the limits that hold.
    state.maxStanzaBytes = advertisedMaxBytes(features) ??
      DEFAULT_MAX_STANZA_BYTES;
    if (features.getChild("sm", NS_SM)) offered = true;
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
  entity.on("offline", handlers.onClosed as never);
  entity.on("disconnect", handlers.onClosed as never);
  entity.on("error", (() => {}) as never); // surfaced through start() and `failure`

  const ready = (async () => {
    await entity.start();
    timings.bound = since();
    if (offered) await withTimeout(settled, options.timeoutMs, () => {});
    return { streamManagement: enabled };
  })();
  return { entity, plugins, state, ready };
}
