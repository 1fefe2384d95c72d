/**
 * A TCP proxy between a client and a test server that breaks the connection
 * on purpose: cut it, stall it, black-hole one direction, refuse new
 * connections. Bytes pass through untouched, so TLS (STARTTLS or direct) runs
 * end to end and the client still checks the server certificate for the JID's
 * domain; the proxy sees only ciphertext after the handshake.
 *
 * @example
 * await using prosody = await startProsody();
 * await using proxy = await startFaultProxy({ target: prosody.port, caFile: prosody.caFile });
 * const env = aliceEnv(proxy, purple); // pidgin connects through the proxy
 * … start pidgin, wait until it is online …
 * await proxy.waitForBytes("server-to-client", 20_000); // in the middle of a flood
 * await proxy.cut();
 * await proxy.connected(2); // pidgin came back
 */
import {
  type Direction,
  type Pipe,
  type ProxyConnection,
  startPipe,
} from "./_proxy_pipe.ts";
import { createTraffic } from "./_proxy_traffic.ts";
import { createWaiters } from "./_waiters.ts";

export type { Direction, ProxyConnection } from "./_proxy_pipe.ts";

/** Which directions a fault applies to. */
export type Directions = Direction | "both";

/** Options for {@linkcode startFaultProxy}. */
export interface FaultProxyOptions {
  /** Port on 127.0.0.1 to forward to, e.g. `prosody.port` (STARTTLS) or `prosody.tlsPort`. */
  target: number;
  /** The test CA, copied to `env.XMPP_CA_FILE` and `caFile` (e.g. `prosody.caFile`). */
  caFile?: string;
}

/** A running proxy; `await using` closes the listener and every connection. */
export interface FaultProxy extends AsyncDisposable {
  /** Port on 127.0.0.1 the proxy listens on. */
  readonly port: number;
  /** The test CA given in the options. */
  readonly caFile?: string;
  /**
   * `XMPP_SERVER`, `XMPP_PORT` (and `XMPP_CA_FILE`) pointing pidgin at the
   * proxy with STARTTLS; in front of a direct-TLS port use
   * `XMPP_SERVER: \`xmpps://127.0.0.1:${proxy.port}\`` instead.
   */
  readonly env: Record<string, string>;
  /** Connections forwarded to the target so far (refused ones not counted). */
  readonly connections: number;
  /**
   * TCP connections accepted so far, refused ones included, and those the
   * target refused (the server is down): the proxy then closes the client's
   * connection at once, so the client sees it open and end, not ECONNREFUSED.
   */
  readonly attempts: number;
  /** Connections forwarded and not closed yet. */
  readonly open: ProxyConnection[];
  /**
   * Resolves with the `n`-th forwarded connection (1-based, counted since the
   * proxy started) once it is connected to the target, at once if it already
   * was; `n` defaults to the next one. Ask for `proxy.connections + 1` before
   * you cut, so a fast reconnect is not missed. Rejects after `timeoutMs`
   * (default 10 s).
   */
  connected(n?: number, timeoutMs?: number): Promise<ProxyConnection>;
  /** Resolves once `n` TCP connections were accepted in all (counting refused ones). */
  attempted(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Closes every open connection on both sides at once and resolves when they
   * are gone. Deno cannot send a TCP RST (no SO_LINGER), so peers see a plain
   * close (FIN; Linux sends RST itself if unread data was pending), and TLS
   * ends without close_notify. New connections are accepted as before.
   */
  cut(): Promise<void>;
  /**
   * Stops forwarding without closing anything, as a frozen network would:
   * what arrives waits (in the proxy and then in the kernel buffers, so the
   * sender eventually blocks) until {@linkcode FaultProxy.resume}, then flows
   * in order. Applies to open and new connections; EOFs wait too.
   */
  stall(directions?: Directions): void;
  /** Lets stalled directions flow again. */
  resume(directions?: Directions): void;
  /**
   * Reads and silently discards what goes in these directions until
   * {@linkcode FaultProxy.heal}; a close (EOF) in them is held back until heal.
   * Applies to open and new connections.
   */
  blackhole(directions: Directions): void;
  /** Ends every black hole; data from then on is forwarded again. */
  heal(): void;
  /**
   * Closes new connections as soon as they are accepted (the client sees the
   * connection open and at once end, not ECONNREFUSED), as an unreachable
   * server would; open connections are left alone (cut them yourself).
   */
  refuse(): void;
  /** Forwards new connections again. */
  accept(): void;
  /** Bytes forwarded in `direction` so far, all connections together. */
  bytes(direction: Direction): number;
  /** Bytes read and discarded by black holes in `direction` so far. */
  dropped(direction: Direction): number;
  /**
   * Resolves once `n` more bytes than when called were forwarded in
   * `direction` (all connections together); rejects after `timeoutMs`.
   */
  waitForBytes(
    direction: Direction,
    n: number,
    timeoutMs?: number,
  ): Promise<void>;
  /**
   * Resolves once `n` more bytes than when called were discarded by black
   * holes in `direction`, e.g. to know a client's ping was swallowed.
   */
  waitForDropped(
    direction: Direction,
    n: number,
    timeoutMs?: number,
  ): Promise<void>;
  /**
   * Calls `fn` after each chunk forwarded in `direction`; returns the function
   * that unsubscribes. What `fn` throws is rethrown as an uncaught error.
   */
  onBytes(
    direction: Direction,
    fn: (chunk: Uint8Array, connection: ProxyConnection) => void,
  ): () => void;
}

function directionsOf(d: Directions): Direction[] {
  return d === "both" ? ["client-to-server", "server-to-client"] : [d];
}

/**
 * Starts a proxy on 127.0.0.1 port 0 forwarding to `target` on 127.0.0.1.
 *
 * Requires `--allow-net=127.0.0.1`.
 */
export function startFaultProxy(
  options: FaultProxyOptions,
): Promise<FaultProxy> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const all: Pipe[] = [];
  const open = new Set<Pipe>();
  const pending = new Set<Promise<void>>();
  const waiters = createWaiters();
  const traffic = createTraffic(waiters);
  let attempts = 0;
  let refusing = false;
  let closing = false;

  async function handle(client: Deno.TcpConn): Promise<void> {
    attempts++;
    waiters.check();
    if (refusing || closing) return client.close();
    let server: Deno.TcpConn;
    try {
      server = await Deno.connect({
        hostname: "127.0.0.1",
        port: options.target,
      });
    } catch {
      return client.close();
    }
    if (closing) {
      client.close();
      return server.close();
    }
    const connection = startPipe(all.length + 1, client, server, traffic);
    all.push(connection);
    open.add(connection);
    connection.closed.then(() => open.delete(connection));
    waiters.check();
  }

  const served = (async () => {
    try {
      for await (const client of listener) {
        const job = handle(client).catch(() => {});
        pending.add(job);
        job.then(() => pending.delete(job));
      }
    } catch {
      // The listener was closed.
    }
  })();

  /** Sets a fault and lets every pipe re-check what it waits for. */
  const change = (
    fault: "stall" | "blackhole",
    d: Directions,
    on: boolean,
  ) => {
    traffic.set(fault, directionsOf(d), on);
    for (const c of open) c.wake();
  };

  const proxy: FaultProxy = {
    port,
    caFile: options.caFile,
    env: {
      XMPP_SERVER: "127.0.0.1",
      XMPP_PORT: String(port),
      ...(options.caFile ? { XMPP_CA_FILE: options.caFile } : {}),
    },
    get connections() {
      return all.length;
    },
    get attempts() {
      return attempts;
    },
    get open() {
      return [...open];
    },
    connected(n = all.length + 1, timeoutMs = 10_000) {
      return waiters.add(
        () => all[n - 1],
        timeoutMs,
        () => `connection ${n} (${all.length} so far)`,
      );
    },
    attempted(n, timeoutMs = 10_000) {
      return waiters.add(
        () => (attempts >= n ? true : undefined),
        timeoutMs,
        () => `connection attempt ${n} (${attempts} so far)`,
      ).then(() => {});
    },
    async cut() {
      await Promise.all([...open].map((c) => c.cut()));
    },
    stall: (d = "both") => change("stall", d, true),
    resume: (d = "both") => change("stall", d, false),
    blackhole: (d) => change("blackhole", d, true),
    heal: () => change("blackhole", "both", false),
    refuse() {
      refusing = true;
    },
    accept() {
      refusing = false;
    },
    bytes: (d) => traffic.count("forwarded", d),
    dropped: (d) => traffic.count("dropped", d),
    waitForBytes: (d, n, timeoutMs = 10_000) =>
      traffic.waitFor("forwarded", d, n, timeoutMs),
    waitForDropped: (d, n, timeoutMs = 10_000) =>
      traffic.waitFor("dropped", d, n, timeoutMs),
    onBytes: (d, fn) => traffic.onBytes(d, fn),
    async [Symbol.asyncDispose]() {
      closing = true;
      listener.close();
      await served;
      await Promise.all(pending);
      await proxy.cut();
      await Promise.all(all.map((c) => c.closed));
      waiters.cancel("the fault proxy was closed");
    },
  };
  return Promise.resolve(proxy);
}
