/**
 * xmpp.js's client, made safe against a hostile server:
 *
 * - `start()` leaves no promise unhandled (xmpp.js's own creates an
 *   `online` promise it never awaits when `open()` fails, which crashed
 *   pidgin with "Uncaught (in promise)") and fails as soon as the
 *   connection closes instead of waiting for the timeout;
 * - a stream error is reported, never followed: `see-other-host` is not a
 *   reconnect to wherever the server (or anyone before TLS) points;
 * - a stream rule broken (see `_parser.ts`) ends the stream at once with
 *   its condition, and the socket is closed without waiting on the server;
 * - stanzas the library would throw on (a malformed `from`, an error with
 *   no condition) are dropped or completed before it sees them;
 * - `failure` keeps why the connection ended, for the message;
 * - `hooks` let stream management see every element in and out, in order,
 *   and the session know when one read from the socket has been handled.
 */
import {
  ConnectionClosed,
  oneLine,
  ServerStreamError,
  StreamViolation,
} from "./_failures.ts";
import type { GuardedParser } from "./_parser.ts";
import { withTimeout } from "./_timeout.ts";
import { type Element, type Entity, xml, XmppClientBase } from "./_xmpp_js.ts";

const NS_STREAM = "http://etherx.jabber.org/streams";
const NS_XMPP_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/** The socket as the entity sees it. */
interface Socket {
  on(event: string, listener: (...args: never[]) => void): void;
  destroy(): void;
}

/** Where others look at the stream, synchronously and in order. */
export interface EntityHooks {
  /** Sees every incoming top-level element first; returning false drops it. */
  element?(element: Element): boolean;
  /** Sees every element about to be written, in the order written. */
  sending?(element: Element): void;
  /** Runs after the elements of one read from the socket were dispatched. */
  read?(): void;
  /** Runs before a clean close writes `</stream:stream>`. */
  closing?(): void;
}

/** Our entity: xmpp.js's, plus why it failed and how far it got. */
export interface SafeEntity extends Entity {
  /** Why the connection ended (the first fatal error), if it did. */
  failure: Error | undefined;
  /** How far the connection got: the stream opened, TLS was on. */
  readonly progress: { opened: boolean; secured: boolean };
  /** See {@linkcode EntityHooks}. */
  readonly hooks: EntityHooks;
  /** Ends the stream with `violation.condition` and fails with it. */
  abort(violation: StreamViolation): void;
}

/**
 * Whether xmpp.js can parse `value` as a JID: it throws (from inside its
 * middleware, killing the connection) only when the domain part is empty.
 */
function validJid(value: unknown): boolean {
  if (value === undefined) return true;
  const jid = String(value);
  const slash = jid.indexOf("/");
  const end = slash === -1 ? jid.length : slash;
  const at = jid.indexOf("@");
  const start = at === -1 || at > end ? 0 : at + 1;
  return end > start;
}

function toServerStreamError(
  element: Element,
  secure: boolean,
): ServerStreamError {
  const children = element.getChildElements();
  const condition =
    children.find((c: Element) =>
      c.name !== "text" && c.getNS() === NS_XMPP_STREAMS
    ) ?? children.find((c: Element) => c.name !== "text");
  const name = condition ? oneLine(condition.name, 64) : "undefined-condition";
  const text = element.getChildText("text");
  return new ServerStreamError(
    name,
    text ? oneLine(text) : undefined,
    name === "see-other-host"
      ? oneLine(condition?.text() ?? "", 100)
      : undefined,
    secure,
  );
}

class SafeClient extends XmppClientBase implements SafeEntity {
  failure: Error | undefined;
  readonly progress = { opened: false, secured: false };
  readonly hooks: EntityHooks = {};

  constructor(options: { domain: string; service: string; timeout?: number }) {
    super(options);
    this.on("open", () => (this.progress.opened = true));
    this.hook("close", () => this.hooks.closing?.());
    // The socket is gone, so is the stream: settle xmpp.js's wait for the
    // server's </stream:stream> now rather than at its timeout.
    this.on("disconnect", () => {
      (this.parser as unknown as { emit(e: string): void } | null)?.emit("end");
    });
  }

  override async start(): Promise<unknown> {
    const { service, domain, lang } = this.options;
    let fail: (err: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const onError = (err: unknown) => fail(err);
    const onDisconnect = () => {
      this.failure ??= new ConnectionClosed(
        this.progress.opened
          ? "the server closed the connection"
          : "the server closed the connection before the XMPP stream began",
      );
      // Fails the promises xmpp.js itself is waiting on, clearing their timers.
      this.emit("error", this.failure);
    };
    this.on("error", onError as never);
    this.on("disconnect", onDisconnect);
    const online = new Promise((resolve) => this.once("online", resolve));
    const steps = (async () => {
      await this.connect(service);
      await this.open({ domain, lang });
      return await online;
    })();
    steps.catch(() => {});
    failed.catch(() => {});
    try {
      return await Promise.race([steps, failed]);
    } finally {
      this.off("error", onError as never);
      this.off("disconnect", onDisconnect);
    }
  }

  override _attachSocket(socket: unknown): void {
    super._attachSocket(socket);
    (socket as Socket).on(
      "error",
      ((err: Error) => {
        this.failure ??= err;
      }) as never,
    );
    (socket as Socket).on("connect", () => {
      this.progress.secured = this.isSecure();
    });
  }

  override _onData(data: unknown): void {
    if (!this.parser) return; // the stream has ended, ignore the rest
    this.parser.write(data);
    this.hooks.read?.();
  }

  override send(element: Element): Promise<void> {
    this.hooks.sending?.(element);
    return super.send(element);
  }

  override _onElement(element: Element): void {
    // Counted first (XEP-0198): a stanza dropped here is one handled.
    if (this.hooks.element && !this.hooks.element(element)) return;
    if (!validJid(element.attrs.from) || !validJid(element.attrs.to)) return;
    if (element.attrs.type === "error") completeError(element);
    if (element.is("error", NS_STREAM)) {
      // Unrecoverable (RFC 6120, 4.9.1.1): report it, close our side, done.
      this._onStreamError(element);
      this._detachParser();
      void this.#endStream();
      return;
    }
    super._onElement(element);
  }

  override _onStreamError(element: Element): void {
    const err = toServerStreamError(element, this.isSecure());
    this.failure ??= err;
    this.emit("error", err);
  }

  /** Called by xmpp.js when the parser reports an error. */
  override _streamError(condition: string): Promise<unknown> {
    const violation = (this.parser as GuardedParser | null)?.violation;
    this.failure ??= violation ??
      new StreamViolation(condition, "the server sent XML pidgin cannot read");
    return this.#endStream(violation?.condition ?? condition);
  }

  override write(text: string): Promise<void> {
    const socket = this.socket as unknown as {
      write(text: string, done: (err?: Error | null) => void): void;
    } | null;
    if (this.status === "closing" || !socket) {
      return Promise.reject(new ConnectionClosed("the connection is closing"));
    }
    return new Promise((resolve, reject) =>
      socket.write(text, (err) => (err ? reject(err) : resolve()))
    );
  }

  abort(violation: StreamViolation): void {
    this.failure ??= violation;
    this._detachParser();
    this.emit("error", violation);
    void this.#endStream(violation.condition);
  }

  /**
   * Closes the stream (with a stream error of `condition`, if given) and the
   * socket, without waiting on the server.
   */
  async #endStream(condition?: string): Promise<void> {
    const socket = this.socket as unknown as Socket | null;
    if (!socket) return;
    const error = condition
      ? xml("stream:error", {}, xml(condition, { xmlns: NS_XMPP_STREAMS }))
      : "";
    try {
      await withTimeout(this.write(`${error}</stream:stream>`), 1000, () => {});
    } catch { /* the server may not read any more */ }
    socket.destroy();
  }
}

/** Gives an error stanza the condition xmpp.js expects to find (it throws without one). */
function completeError(stanza: Element): void {
  const error = stanza.getChild("error");
  if (error?.getChildElements().some((c: Element) => c.name !== "text")) return;
  const condition = xml("undefined-condition", { xmlns: NS_STANZAS });
  if (!error) {
    stanza.append(xml("error", { type: "cancel" }, condition));
    return;
  }
  error.children.unshift(condition);
  condition.parent = error;
}

/** Creates our entity; the caller adds transports and plugins. */
export function createEntity(
  options: { domain: string; service: string; timeout?: number },
): SafeEntity {
  return new SafeClient(options);
}
