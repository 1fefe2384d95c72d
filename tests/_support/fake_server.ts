/**
 * A scripted XMPP peer for what a real server will not do on demand: offer
 * no TLS at all, or accept a connection and never answer.
 */

/** How the fake server misbehaves. */
export type FakeMode = "no-tls" | "stall";

/** A listening fake server; `await using` closes it and its connections. */
export interface FakeServer extends AsyncDisposable {
  port: number;
  /** Everything clients sent so far. */
  received(): string;
}

const NO_TLS_FEATURES =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='fake' version='1.0'>" +
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
  "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

/** Starts a fake server on 127.0.0.1. */
export function startFakeServer(mode: FakeMode): FakeServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let received = "";
  const served = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const buf = new Uint8Array(4096);
        try {
          let sent = false;
          let n: number | null;
          while ((n = await conn.read(buf)) !== null) {
            received += new TextDecoder().decode(buf.subarray(0, n));
            if (mode === "no-tls" && !sent) {
              sent = true;
              await conn.write(new TextEncoder().encode(NO_TLS_FEATURES));
            }
          }
        } catch { /* closed */ }
        conns.delete(conn);
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    received: () => received,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
      await served.catch(() => {});
    },
  };
}
