/**
 * One connection attempt: the xmpp.js entity with our transports, TLS,
 * SASL, stream management and resource binding, answering pings and roster
 * pushes, and recording when each step finished.
 */
import { authenticate } from "./_sasl.ts";
import { createTransport, requireTls } from "./_transport.ts";
import {
  createEntity,
  type Element,
  type Entity,
  parseJid,
  type Plugins,
  setupPlugins,
} from "./_xmpp_js.ts";
import { toRosterItem } from "./stanzas.ts";
import type { RosterItem, SessionTimings } from "./types.ts";

const NS_ROSTER = "jabber:iq:roster";
const NS_PING = "urn:xmpp:ping";
const NS_SM = "urn:xmpp:sm:3";
const NS_STREAM = "http://etherx.jabber.org/streams";

/** Rejects with a `TimeoutError` after `ms`, calling `onTimeout` first. */
export function withTimeout<T>(
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

/** A connection being opened; `ready` resolves once bound (and stream management settled). */
export interface Connection {
  entity: Entity;
  plugins: Plugins;
  ready: Promise<{ streamManagement: boolean }>;
}

function bareOf(jid: string): string | undefined {
  try {
    return parseJid(jid).bare().toString().toLowerCase();
  } catch {
    return undefined;
  }
}

/** Starts one connection attempt. */
export function openConnection(
  options: ConnectOptions,
  handlers: ConnectHandlers,
): Connection {
  const { timings, domain } = options;
  const since = () => Math.round(performance.now() * 10) / 10;
  timings.started = since();
  const tls = { servername: domain, extraCa: options.extraCa };
  const entity = createEntity({
    domain,
    service: options.service,
    timeout: Math.min(options.timeoutMs, 5000),
  });
  entity.transports.push(createTransport(tls));
  const plugins = setupPlugins(entity, options.resource, (features) => {
    requireTls(features, tls, () => (timings.secured = since()));
    authenticate(features, {
      username: options.username,
      password: options.password,
    }, () => {
      timings.authenticated = since();
    });
  });
  plugins.streamManagement.requestAckDebounce = 0;
  plugins.iqCallee.get(NS_PING, "ping", () => true);
  plugins.iqCallee.set(NS_ROSTER, "query", ({ stanza }) => {
    const from = stanza.attrs.from;
    if (from && bareOf(from) !== options.bareJid) return undefined; // a spoofed push
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
        if (el.is("features", NS_STREAM) && el.getChild("sm", NS_SM)) {
          offered = true;
        }
        if (el.is("enabled", NS_SM) || el.is("failed", NS_SM)) {
          enabled = el.is("enabled", NS_SM);
          setTimeout(resolve, 0); // after xmpp.js has handled the same element
        }
      }) as never,
    );
  });
  entity.on("connect", (() => (timings.connected ??= since())) as never);
  entity.on("stanza", handlers.onStanza as never);
  entity.on("offline", handlers.onClosed as never);
  entity.on("disconnect", handlers.onClosed as never);
  entity.on("error", (() => {}) as never); // surfaced through start() and onClosed

  const ready = (async () => {
    await entity.start();
    timings.bound = since();
    if (offered) await withTimeout(settled, options.timeoutMs, () => {});
    return { streamManagement: enabled };
  })();
  return { entity, plugins, ready };
}
