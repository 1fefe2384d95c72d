/**
 * A scripted XMPP peer for what a real server will not do on demand: offer
 * no TLS, never answer, send garbage, stream errors, huge or endless
 * stanzas, a second login offer, weak SCRAM parameters. A script runs per
 * connection and talks to the client through a {@linkcode FakePeer}; with
 * `tls`, the server speaks direct TLS (the client connects to `xmpps://`).
 */

/** How the fake server misbehaves: a canned mode or a script. */
export type FakeMode = "no-tls" | "stall";

/** One client connection, as a script sees it. */
export interface FakePeer {
  /**
   * Resolves with what the client sent up to and including the first match
   * of `pattern` after the previous match; rejects when the client closes
   * first or after `timeoutMs`.
   */
  expect(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Writes to the client; resolves `false` once the client is gone. */
  send(data: string | Uint8Array): Promise<boolean>;
  /** Writes `chunk` again and again until the client closes; returns the bytes written. */
  flood(chunk: string): Promise<number>;
  /** Resolves when the client has closed the connection. */
  readonly closed: Promise<void>;
}

/** A script: what the server does on each connection. */
export interface FakeScript {
  /** PEM certificate and key: speak direct TLS. */
  tls?: { cert: string; key: string };
  run(peer: FakePeer): Promise<void>;
}

/** A listening fake server; `await using` closes it and its connections. */
export interface FakeServer extends AsyncDisposable {
  port: number;
  /** Everything clients sent so far. */
  received(): string;
  /** Settles when every script run so far has finished; rejects with a script's error. */
  scripts(): Promise<void>;
}

/** The server's stream header, as Prosody sends it. */
export const SERVER_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='fake' version='1.0'>";

const NO_TLS_FEATURES = SERVER_HEADER +
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
  "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

const CANNED: Record<FakeMode, FakeScript> = {
  "no-tls": {
    async run(peer) {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(NO_TLS_FEATURES);
      await peer.closed;
    },
  },
  "stall": {
    async run(peer) {
      await peer.closed;
    },
  },
};

function createPeer(conn: Deno.Conn, onData: (text: string) => void) {
  let buffer = "";
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  const closed = (async () => {
    const chunk = new Uint8Array(16 * 1024);
    const decoder = new TextDecoder();
    try {
      let n: number | null;
      while ((n = await conn.read(chunk)) !== null) {
        const text = decoder.decode(chunk.subarray(0, n), { stream: true });
        buffer += text;
        onData(text);
        wake();
      }
    } catch { /* reset or closed by us */ }
    ended = true;
    wake();
  })();
  const encoder = new TextEncoder();
  const peer: FakePeer = {
    expect(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(buffer);
          if (match) {
            const end = match.index + match[0].length;
            const seen = buffer.slice(0, end);
            buffer = buffer.slice(end);
            done();
            resolve(seen);
          } else if (ended) {
            done();
            reject(new Error(`The client closed before sending ${pattern}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`The client did not send ${pattern}: ${buffer}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async send(data) {
      const bytes = typeof data === "string" ? encoder.encode(data) : data;
      try {
        for (let off = 0; off < bytes.length;) {
          off += await conn.write(bytes.subarray(off));
        }
        return true;
      } catch {
        return false;
      }
    },
    async flood(chunk) {
      const bytes = encoder.encode(chunk);
      let total = 0;
      while (!ended && await peer.send(bytes)) total += bytes.length;
      return total;
    },
    closed,
  };
  return peer;
}

/** Starts a fake server on 127.0.0.1. */
export function startFakeServer(mode: FakeMode | FakeScript): FakeServer {
  const script = typeof mode === "string" ? CANNED[mode] : mode;
  const listener: Deno.Listener = script.tls
    ? Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: script.tls.cert,
      key: script.tls.key,
    })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const runs: Promise<void>[] = [];
  let received = "";
  const served = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      const peer = createPeer(conn, (text) => (received += text));
      const run = script.run(peer).finally(async () => {
        try {
          conn.close();
        } catch { /* closed */ }
        await peer.closed;
        conns.delete(conn);
      });
      run.catch(() => {}); // reported by scripts()
      runs.push(run);
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    received: () => received,
    async scripts() {
      await Promise.all(runs);
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
      await served.catch(() => {});
      await Promise.allSettled(runs);
    },
  };
}
