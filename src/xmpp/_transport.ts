/**
 * Sockets and stream security on Deno's own TCP and TLS: TCP_NODELAY, direct
 * TLS (XEP-0368) and a STARTTLS that is required, not optional. xmpp.js's
 * transports (node:net/node:tls) leave Nagle's delay on every round trip
 * after the TLS upgrade (about 40 ms each, measured), send no SNI and check
 * no certificate name on direct TLS, and carry on in clear text when the
 * server offers no STARTTLS; these replace them.
 */
import { ConnectionClosed } from "./_failures.ts";
import { createParserClass, type ParserLimits } from "./_parser.ts";
import {
  ConnectionTcp,
  type Entity,
  EventEmitter,
  procedure,
  type StreamFeatures,
  xml,
} from "./_xmpp_js.ts";

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";

/** How to verify the server: the name to expect and extra CAs to trust. */
export interface TlsSettings {
  /** The JID's domain: sent as SNI and checked against the certificate. */
  servername: string;
  /** PEM certificates trusted besides the system roots. */
  extraCa?: string;
}

/** Raised when the server would have us log in over an unencrypted stream. */
export class InsecureStreamError extends Error {
  override name = "InsecureStreamError";
}

async function startTls(
  tcp: Deno.TcpConn,
  settings: TlsSettings,
): Promise<Deno.TlsConn> {
  const conn = await Deno.startTls(tcp, {
    hostname: settings.servername,
    caCerts: settings.extraCa ? [settings.extraCa] : undefined,
    alpnProtocols: ["xmpp-client"],
  });
  await conn.handshake();
  return conn;
}

/** The socket shape xmpp.js expects (connect, data, close, error events), over a Deno connection. */
class DenoSocket extends EventEmitter {
  secure = false;
  #tcp: Deno.TcpConn | null = null;
  #conn: Deno.Conn | null = null;
  /** Set before STARTTLS: the read loop stops after chunk number `at`. */
  #pause: { at: number; resume: () => void } | null = null;
  #chunks = 0;
  /** True from a TLS handshake until the first write after it. */
  #nudge = false;
  #nudgeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Set while reading is held back (the message handler is behind). */
  #held: { released: Promise<void>; release: () => void } | null = null;

  connect(params: { host: string; port: number; tls?: TlsSettings }): void {
    this.#open(params).catch((err) => this.#fail(err));
  }

  async #open(
    params: { host: string; port: number; tls?: TlsSettings },
  ): Promise<void> {
    const tcp = await Deno.connect({
      hostname: params.host,
      port: params.port,
    });
    tcp.setNoDelay(true);
    this.#tcp = tcp;
    this.#conn = tcp;
    if (params.tls) {
      this.#conn = await startTls(tcp, params.tls);
      this.secure = true;
      this.#nudge = true;
    }
    this.emit("connect");
    this.#readLoop(this.#conn);
  }

  #fail(err: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.hold(false);
    try {
      this.#conn?.close();
    } catch { /* already closed */ }
    this.emit("error", err);
    this.emit("close", true);
  }

  async #readLoop(conn: Deno.Conn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      if (this.#held) await this.#held.released;
      if (this.#closed) return;
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (err) {
        if (this.#closed) return;
        return this.#fail(err);
      }
      if (n === null) break;
      this.#chunks++;
      try {
        // Bytes: the parser decodes them (strict UTF-8) and checks them.
        this.emit("data", buffer.slice(0, n));
      } catch (err) {
        // A bug in a handler, never the server's input: fail with it as is.
        return this.#fail(err);
      }
      if (this.#closed) return;
      if (this.#pause && this.#chunks >= this.#pause.at) {
        const { resume } = this.#pause;
        this.#pause = null;
        return resume();
      }
    }
    if (this.#closed) return;
    this.#closed = true;
    try {
      conn.close();
    } catch { /* already closed */ }
    this.emit("close", false);
  }

  /**
   * Stops reading after the next chunk that arrives (the server's
   * `<proceed/>`). Called while the previous chunk is being handled.
   */
  pauseAfterNextChunk(): Promise<void> {
    return new Promise((
      resolve,
    ) => (this.#pause = { at: this.#chunks + 1, resume: resolve }));
  }

  /** Upgrades the paused TCP connection to TLS and reads on. */
  async upgrade(settings: TlsSettings): Promise<void> {
    const conn = await startTls(this.#tcp!, settings);
    this.#conn = conn;
    this.secure = true;
    this.#nudge = true;
    this.#readLoop(conn);
  }

  /** Writes go one after another, so bytes of two writes never interleave. */
  #writing: Promise<void> = Promise.resolve();

  #send(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
    const done = this.#writing.then(async () => {
      let offset = 0;
      while (offset < bytes.length) {
        offset += await conn.write(bytes.subarray(offset));
      }
    });
    this.#writing = done.catch(() => {});
    return done;
  }

  write(data: string, callback: (err?: Error | null) => void): void {
    const conn = this.#conn;
    if (!conn || this.#closed) {
      return callback(new ConnectionClosed("the connection is closed"));
    }
    // A write carries the ACK itself: the pending keepalive is not needed,
    // and sent late it could land after a stream restart's XML declaration,
    // where a space is not well-formed (ejabberd closes the stream).
    clearTimeout(this.#nudgeTimer);
    this.#send(conn, new TextEncoder().encode(data)).then(
      () => callback(),
      (err) => callback(err),
    );
    if (this.#nudge) {
      // Servers with Nagle's algorithm on (Prosody's default) hold their
      // first answer after a TLS 1.3 handshake until we acknowledge the
      // session tickets they send with it, and Linux delays that ACK by
      // 40 ms. A whitespace keepalive (RFC 6120, 4.6.1) a moment after our
      // stream header carries the ACK at once.
      this.#nudge = false;
      this.#nudgeTimer = setTimeout(() => {
        if (!this.#closed) {
          this.#send(conn, new Uint8Array([0x20])).catch(() => {});
        }
      }, 1);
    }
  }

  end(): void {
    if (this.#closed || !this.#conn) return;
    const conn = this.#conn;
    conn.closeWrite().catch(() => this.destroy());
  }

  /** Holds reading back (`true`) or lets it go on; the kernel buffers meanwhile. */
  hold(on: boolean): void {
    if (on && !this.#held) {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      this.#held = { released, release };
    } else if (!on && this.#held) {
      this.#held.release();
      this.#held = null;
    }
  }

  /** Closes at once, for timeouts and failed starts. */
  destroy(): void {
    clearTimeout(this.#nudgeTimer);
    this.hold(false);
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn?.close();
    } catch { /* already closed */ }
    this.emit("close", true);
  }
}

/**
 * The transport class for one connection: `xmpp://host:port` is TCP then
 * STARTTLS, `xmpps://host:port` is direct TLS; its parser enforces `limits`.
 */
export function createTransport(
  settings: TlsSettings,
  limits: ParserLimits,
): unknown {
  class Transport extends ConnectionTcp {
    socketParameters(service: string) {
      const url = new URL(service);
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
      if (url.protocol === "xmpp:") {
        return { host, port: Number(url.port) || 5222 };
      }
      if (url.protocol === "xmpps:") {
        return { host, port: Number(url.port) || 5223, tls: settings };
      }
      return undefined;
    }
  }
  Object.assign(Transport.prototype, {
    Socket: DenoSocket,
    Parser: createParserClass(limits),
    NS: "jabber:client",
  });
  return Transport;
}

/** Holds reading from the entity's socket back, or lets it go on. */
export function holdReading(entity: Entity, on: boolean): void {
  (entity.socket as unknown as DenoSocket | null)?.hold(on);
}

/** Closes the entity's socket at once, whatever state it is in. */
export function destroySocket(entity: Entity): void {
  (entity.socket as unknown as DenoSocket | null)?.destroy();
}

/**
 * Registers STARTTLS as a required step: the stream is upgraded when the
 * server offers it; SASL (see `_sasl.ts`) refuses to run on a stream that is
 * still in clear text.
 */
export function requireTls(
  streamFeatures: StreamFeatures,
  settings: TlsSettings,
  onSecured: () => void,
): void {
  streamFeatures.use("starttls", NS_TLS, async ({ entity }, next) => {
    if (entity.isSecure()) return next();
    const socket = entity.socket as unknown as DenoSocket;
    // After <proceed/> the server waits for our TLS handshake: stop reading there.
    const paused = socket.pauseAfterNextChunk();
    await procedure(
      entity,
      xml("starttls", { xmlns: NS_TLS }),
      (element, done) => {
        if (element.is("proceed", NS_TLS)) return done(element);
        if (element.is("failure", NS_TLS)) {
          throw new InsecureStreamError("the server failed to start TLS");
        }
      },
    );
    await paused;
    await socket.upgrade(settings);
    onSecured();
    await entity.restart();
  });
}
