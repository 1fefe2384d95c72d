/**
 * The one place that imports xmpp.js. We compose its small packages the way
 * `@xmpp/client` does, minus what we replace (SASL, STARTTLS, transports,
 * reconnect, stream management, middleware: `_middleware.ts` says why) and what we do not use (WebSocket, SASL2, FAST), so the rest of
 * this folder sees only the narrow types below.
 */
import { Client as XmppClient, xml as xmppXml } from "@xmpp/client-core";
import ConnectionTcpJs from "@xmpp/connection-tcp";
import {
  EventEmitter as XmppEventEmitter,
  procedure as xmppProcedure,
} from "@xmpp/events";
import iqCalleeJs from "@xmpp/iq/callee";
import iqCallerJs from "@xmpp/iq/caller";
import jidJs from "@xmpp/jid";
import streamFeaturesJs from "@xmpp/stream-features";
import type { Element } from "ltx";
import { createMiddleware } from "./_middleware.ts";

export type { Element };

/** What we use of an xmpp.js connection entity. */
export interface Entity {
  jid: { toString(): string; bare(): { toString(): string } } | null;
  status: string;
  options: { domain: string; service: string; lang?: string };
  transports: unknown[];
  timeout: number;
  socket: (NodeEventTarget & { secure?: boolean }) | null;
  isSecure(): boolean;
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  disconnect(): Promise<unknown>;
  restart(): Promise<unknown>;
  send(element: Element): Promise<void>;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  _attachSocket(socket: unknown): void;
  _detachSocket(): void;
}

interface NodeEventTarget {
  on(event: string, listener: (...args: never[]) => void): void;
}

/** Context given to stream-feature handlers. */
export interface FeatureContext {
  entity: Entity;
}

/** The stream-features registry. */
export interface StreamFeatures {
  use(
    name: string,
    xmlns: string,
    handler: (
      ctx: FeatureContext,
      next: () => Promise<void>,
      feature: Element,
    ) => Promise<void>,
  ): void;
}

/** The iq request helper. */
export interface IqCaller {
  /** Requests waiting for their answer, by id. */
  handlers: Map<string, { reject(err: unknown): void }>;
  request(stanza: Element, timeout?: number): Promise<Element>;
  get(element: Element, to?: string, timeout?: number): Promise<Element>;
  set(element: Element, to?: string, timeout?: number): Promise<Element>;
}

/** The iq answering helper. */
export interface IqCallee {
  get(
    ns: string,
    name: string,
    handler: (ctx: { stanza: Element }) => unknown,
  ): void;
  set(
    ns: string,
    name: string,
    handler: (ctx: { stanza: Element }) => unknown,
  ): void;
}

/** Middleware: `use` for incoming elements. */
export interface Middleware {
  use(
    fn: (ctx: { stanza: Element }, next: () => Promise<unknown>) => unknown,
  ): void;
}

/** Builds an XML element, as `@xmpp/xml` does. */
export const xml = xmppXml as unknown as (
  name: string,
  attrs?: Record<string, string | undefined> | null,
  ...children: (Element | string | undefined | null | false)[]
) => Element;

/** Parses and checks a JID; throws on an invalid one. */
export const parseJid = jidJs as unknown as (text: string) => {
  local: string;
  domain: string;
  resource: string;
  bare(): { toString(): string };
  toString(): string;
};

/**
 * The xmpp.js client class, for `_entity.ts` to subclass; the shape given
 * here is what the subclass uses of it.
 */
export const XmppClientBase = XmppClient as unknown as new (
  options: { domain: string; service: string; timeout?: number },
) => ClientInternals;

/** The parts of xmpp.js's Connection that `_entity.ts` overrides or calls. */
export interface ClientInternals extends Entity {
  parser: { write(data: unknown): void } | null;
  root: Element | null;
  connect(service: string): Promise<unknown>;
  open(options: { domain: string; lang?: string }): Promise<unknown>;
  write(text: string): Promise<void>;
  _onData(data: unknown): void;
  _onElement(element: Element): void;
  _onStreamError(element: Element): void;
  _streamError(condition: string): Promise<unknown>;
  _detachParser(): void;
  once(event: string, listener: (...args: never[]) => void): void;
  hook(event: "close", handler: () => unknown): void;
}

/** @xmpp/xml's stream parser (what the TCP transport uses), to wrap. */
export const XmlParser = (ConnectionTcpJs as unknown as {
  prototype: { Parser: new () => XmlStreamParser };
}).prototype.Parser;

/** Events: `start`, `element`, `end`, `error`. */
export interface XmlStreamParser {
  on(event: string, listener: (value: never) => void): void;
  write(text: string): void;
}

/** The TCP stream transport class, to subclass with our own socket. */
export const ConnectionTcp = ConnectionTcpJs as unknown as { new (): object };

/** Node-style event emitter used by xmpp.js sockets. */
export const EventEmitter = XmppEventEmitter as unknown as {
  new (): { emit(event: string, ...args: unknown[]): boolean };
};

/** Sends `stanza` and runs `handler` on each nonza until it calls `done`. */
export const procedure = xmppProcedure as unknown as <T>(
  entity: Entity,
  stanza: Element | null,
  handler: (element: Element, done: (value: T) => void) => unknown,
) => Promise<T>;

/** The composed xmpp.js plugins a session needs. */
export interface Plugins {
  middleware: Middleware;
  streamFeatures: StreamFeatures;
  iqCaller: IqCaller;
  iqCallee: IqCallee;
}

/**
 * Sets up middleware, iq and the features `negotiate` registers (TLS, SASL,
 * stream management, resource binding, in the order they run).
 */
export function setupPlugins(
  entity: Entity,
  negotiate: (
    plugins: { streamFeatures: StreamFeatures; iqCaller: IqCaller },
  ) => void,
): Plugins {
  // The published types describe the full Connection class; we hand over
  // our narrow view of the same object, and narrow what comes back.
  const e = entity as never;
  const middleware = createMiddleware(e) as never;
  const streamFeatures = streamFeaturesJs({ middleware });
  // Stream management (stream_management.ts) counts every stanza before any
  // middleware sees it, through the entity's hooks, iq results included.
  const iqCaller = iqCallerJs({ middleware, entity: e });
  const iqCallee = iqCalleeJs({ middleware, entity: e });
  negotiate({
    streamFeatures: streamFeatures as unknown as StreamFeatures,
    iqCaller: iqCaller as unknown as IqCaller,
  });
  return {
    middleware: middleware as unknown as Middleware,
    streamFeatures: streamFeatures as unknown as StreamFeatures,
    iqCaller: iqCaller as unknown as IqCaller,
    iqCallee: iqCallee as unknown as IqCallee,
  };
}
