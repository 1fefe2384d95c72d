/** One proxied TCP connection of the fault proxy: two pumps and the faults they obey. */

/** Which way bytes travel through the proxy. */
export type Direction = "client-to-server" | "server-to-client";

/** One connection through the proxy, from accept to close. */
export interface ProxyConnection {
  /** 1-based, in the order connections reached the target. */
  readonly id: number;
  /** Bytes forwarded on this connection in `direction`. */
  bytes(direction: Direction): number;
  /** Resolves once both sockets are closed and nothing is pending. */
  readonly closed: Promise<void>;
  /** Closes this connection alone, on both sides; resolves when it is gone. */
  cut(): Promise<void>;
}

/** The proxy-wide state a pipe obeys and reports to. */
export interface Traffic {
  stalled(direction: Direction): boolean;
  blackholed(direction: Direction): boolean;
  forwarded(
    direction: Direction,
    chunk: Uint8Array,
    connection: ProxyConnection,
  ): void;
  discarded(direction: Direction, n: number): void;
}

/** A connection plus what the proxy needs: re-check the faults after they changed. */
export interface Pipe extends ProxyConnection {
  wake(): void;
}

async function writeAll(conn: Deno.Conn, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    offset += await conn.write(chunk.subarray(offset));
  }
}

/** Starts forwarding between `client` and `server` until either fails or both ends closed. */
export function startPipe(
  id: number,
  client: Deno.TcpConn,
  server: Deno.TcpConn,
  traffic: Traffic,
): Pipe {
  const counts: Record<Direction, number> = {
    "client-to-server": 0,
    "server-to-client": 0,
  };
  const wakers = new Set<() => void>();
  let ended = false;
  for (const conn of [client, server]) {
    try {
      conn.setNoDelay(true);
    } catch { /* closed already */ }
  }

  const end = () => {
    if (ended) return;
    ended = true;
    for (const conn of [client, server]) {
      try {
        conn.close();
      } catch { /* closed already */ }
    }
    for (const w of [...wakers]) w();
  };
  /** Resolves once `cond` holds or the connection ended. */
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (ended || cond()) {
          wakers.delete(check);
          resolve();
        }
      };
      wakers.add(check);
      check();
    });

  const pump = async (d: Direction, src: Deno.TcpConn, dst: Deno.TcpConn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await src.read(buf);
        if (n === null) break;
        const chunk = buf.slice(0, n);
        await until(() => !traffic.stalled(d));
        if (ended) return;
        if (traffic.blackholed(d)) {
          traffic.discarded(d, n);
          continue;
        }
        await writeAll(dst, chunk);
        counts[d] += n;
        traffic.forwarded(d, chunk, pipe);
      }
      // Pass the half-close on, once the fault that holds this direction is gone.
      await until(() => !traffic.stalled(d) && !traffic.blackholed(d));
      if (!ended) await dst.closeWrite();
    } catch {
      // A failed read or write (reset, or closed by a cut) ends both sides.
      end();
    }
  };

  const pumps = Promise.all([
    pump("client-to-server", client, server),
    pump("server-to-client", server, client),
  ]);
  const pipe: Pipe = {
    id,
    bytes: (d) => counts[d],
    closed: pumps.then(end),
    cut() {
      end();
      return pipe.closed;
    },
    wake() {
      for (const w of [...wakers]) w();
    },
  };
  return pipe;
}
