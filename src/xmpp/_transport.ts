/**
 * Sockets and stream security: TCP with TCP_NODELAY, direct TLS (XEP-0368)
 * and a STARTTLS that is required, not optional. xmpp.js's own transports
 * leave Nagle on (about 40 ms per round trip), send no SNI and check no
 * certificate name on direct TLS, and carry on in clear text when the server
 * offers no STARTTLS; these replace them.
 */
import net from "node:net";
import tls from "node:tls";
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

function tlsOptions(settings: TlsSettings): tls.ConnectionOptions {
  return {
    servername: settings.servername,
    ca: settings.extraCa
      ? [...tls.rootCertificates, settings.extraCa]
      : undefined,
    rejectUnauthorized: true,
  };
}

type RawSocket = net.Socket | tls.TLSSocket;

/** The socket shape xmpp.js expects, over a Node socket. */
class NodeSocket extends EventEmitter {
  secure = false;
  #raw: RawSocket | null = null;
  #off: (() => void) | null = null;

  connect(params: { host: string; port: number; tls?: TlsSettings }): void {
    const raw = params.tls
      ? tls.connect({
        host: params.host,
        port: params.port,
        ...tlsOptions(params.tls),
      })
      : net.connect({ host: params.host, port: params.port });
    this.wrap(raw, !!params.tls);
  }

  wrap(raw: RawSocket, secure: boolean): void {
    this.secure = secure;
    this.#raw = raw;
    raw.setNoDelay(true);
    const onConnect = () => this.emit("connect");
    const onData = (data: Uint8Array) => this.emit("data", data);
    const onClose = (hadError: boolean) => {
      this.#off?.();
      this.emit("close", hadError);
    };
    const onError = (err: Error) => this.emit("error", err);
    const connectEvent = secure ? "secureConnect" : "connect";
    raw.on(connectEvent, onConnect);
    raw.on("data", onData);
    raw.on("close", onClose);
    raw.on("error", onError);
    this.#off = () => {
      raw.off(connectEvent, onConnect);
      raw.off("data", onData);
      raw.off("close", onClose);
      raw.off("error", onError);
    };
  }

  /** Stops listening and hands over the underlying socket (for STARTTLS). */
  release(): RawSocket {
    this.#off?.();
    const raw = this.#raw!;
    this.#raw = null;
    return raw;
  }

  write(data: string, callback: (err?: Error | null) => void): void {
    if (!this.#raw) return callback(new Error("Socket is closed"));
    this.#raw.write(data, callback);
  }

  end(): void {
    this.#raw?.end();
  }

  /** Closes at once, for timeouts and failed starts. */
  destroy(): void {
    this.#raw?.destroy();
  }
}

/**
 * The transport class for one session: `xmpp://host:port` is TCP then
 * STARTTLS, `xmpps://host:port` is direct TLS.
 */
export function createTransport(settings: TlsSettings): unknown {
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
    Socket: NodeSocket,
    NS: "jabber:client",
  });
  return Transport;
}

/** Closes the entity's socket at once, whatever state it is in. */
export function destroySocket(entity: Entity): void {
  (entity.socket as unknown as NodeSocket | null)?.destroy();
}

async function upgrade(entity: Entity, settings: TlsSettings): Promise<void> {
  const old = entity.socket as unknown as NodeSocket;
  entity._detachSocket();
  const raw = old.release();
  const secure = new NodeSocket();
  const ready = new Promise<void>((resolve, reject) => {
    const s = secure as unknown as {
      once(e: string, f: (err?: Error) => void): void;
    };
    s.once("connect", () => resolve());
    s.once("error", (err) => reject(err));
  });
  secure.wrap(
    tls.connect({ socket: raw as net.Socket, ...tlsOptions(settings) }),
    true,
  );
  entity._attachSocket(secure);
  await ready;
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
    await upgrade(entity, settings);
    onSecured();
    await entity.restart();
  });
}
