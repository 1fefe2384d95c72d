import assert from "node:assert/strict";
import { startFaultProxy } from "../_support/fault_proxy.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A plain TCP server on loopback standing in for the XMPP server. */
function listen(): Deno.TcpListener & { port: number } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return Object.assign(listener, {
    port: (listener.addr as Deno.NetAddr).port,
  });
}

async function write(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) {
    offset += await conn.write(bytes.subarray(offset));
  }
}

/** Reads exactly `length` bytes as text; rejects on EOF before that. */
async function read(conn: Deno.Conn, length: number): Promise<string> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = await conn.read(buf.subarray(got));
    if (n === null) throw new Error(`EOF after ${got} of ${length} bytes`);
    got += n;
  }
  return decoder.decode(buf);
}

/** Reads until EOF (or a reset) and returns the text. */
async function readToEnd(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  let text = "";
  try {
    let n: number | null;
    while ((n = await conn.read(buf)) !== null) {
      text += decoder.decode(buf.subarray(0, n));
    }
  } catch { /* reset counts as the end */ }
  return text;
}

/** One client connection through the proxy and the server side it reached. */
async function pair(proxyPort: number, listener: Deno.TcpListener) {
  const client = await Deno.connect({ hostname: "127.0.0.1", port: proxyPort });
  const server = await listener.accept();
  return {
    client,
    server,
    [Symbol.dispose]() {
      for (const c of [client, server]) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

Deno.test("FaultProxy forwards both directions, counts bytes and passes a half-close on", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  assert.deepEqual(proxy.env, {
    XMPP_SERVER: "127.0.0.1",
    XMPP_PORT: String(proxy.port),
  });
  using p = await pair(proxy.port, listener);
  const connection = await proxy.connected(1);
  await write(p.client, "<stream>");
  assert.equal(await read(p.server, 8), "<stream>");
  await write(p.server, "<features/>");
  assert.equal(await read(p.client, 11), "<features/>");
  assert.equal(proxy.bytes("client-to-server"), 8);
  assert.equal(connection.bytes("server-to-client"), 11);
  assert.equal(proxy.connections, 1);

  await p.client.closeWrite();
  assert.equal(await readToEnd(p.server), "");
  await write(p.server, "</stream>");
  p.server.close();
  assert.equal(await readToEnd(p.client), "</stream>");
  await connection.closed;
  assert.equal(proxy.open.length, 0);
});

Deno.test("FaultProxy.cut() closes both sides at once and the next connection goes through", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  using first = await pair(proxy.port, listener);
  await proxy.connected(1);
  const next = proxy.connected(proxy.connections + 1);
  await proxy.cut();
  assert.equal(await readToEnd(first.client), "");
  assert.equal(await readToEnd(first.server), "");
  using second = await pair(proxy.port, listener);
  assert.equal((await next).id, 2);
  await write(second.client, "again");
  assert.equal(await read(second.server, 5), "again");
});

Deno.test("FaultProxy.stall() holds data in order until resume()", async (t) => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  using p = await pair(proxy.port, listener);

  await t.step("one direction stalled, the other flows", async () => {
    proxy.stall("client-to-server");
    await write(p.client, "one ");
    await write(p.client, "two");
    await write(p.server, "pong");
    assert.equal(await read(p.client, 4), "pong");
    assert.equal(proxy.bytes("client-to-server"), 0);
    proxy.resume();
    assert.equal(await read(p.server, 7), "one two");
  });

  await t.step("both stalled, a close waits too", async () => {
    proxy.stall();
    await write(p.server, "late");
    p.server.close();
    assert.equal(proxy.bytes("server-to-client"), 4);
    const rest = readToEnd(p.client);
    proxy.resume();
    assert.equal(await rest, "late");
  });
});

Deno.test("FaultProxy.blackhole() drops one direction silently until heal()", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  using p = await pair(proxy.port, listener);
  proxy.blackhole("client-to-server");
  await write(p.client, "lost");
  await proxy.waitForDropped("client-to-server", 4);
  await write(p.server, "still here");
  assert.equal(await read(p.client, 10), "still here");
  proxy.heal();
  await write(p.client, "kept");
  assert.equal(await read(p.server, 4), "kept");
  assert.equal(proxy.dropped("client-to-server"), 4);
  assert.equal(proxy.bytes("client-to-server"), 4);
});

Deno.test("FaultProxy.blackhole() holds a close back until heal(); cut() ends a stalled connection", async (t) => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });

  await t.step("a close in a black hole", async () => {
    using p = await pair(proxy.port, listener);
    proxy.blackhole("client-to-server");
    await write(p.client, "gone");
    await p.client.closeWrite();
    await proxy.waitForDropped("client-to-server", 4);
    await write(p.server, "you there?");
    assert.equal(await read(p.client, 10), "you there?");
    const end = readToEnd(p.server);
    proxy.heal();
    assert.equal(await end, "");
  });

  await t.step("a cut while stalled", async () => {
    using p = await pair(proxy.port, listener);
    const connection = await proxy.connected(2);
    proxy.stall();
    await write(p.client, "held");
    await proxy.cut();
    await connection.closed;
    proxy.resume();
    assert.equal(await readToEnd(p.server), "");
    assert.equal(connection.bytes("client-to-server"), 0);
  });
});

Deno.test("FaultProxy.refuse() ends new connections at once until accept()", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  proxy.refuse();
  const refused = await Deno.connect({
    hostname: "127.0.0.1",
    port: proxy.port,
  });
  assert.equal(await readToEnd(refused), "");
  refused.close();
  await proxy.attempted(1);
  assert.equal(proxy.connections, 0);
  proxy.accept();
  using p = await pair(proxy.port, listener);
  await write(p.client, "ok");
  assert.equal(await read(p.server, 2), "ok");
  assert.equal(proxy.attempts, 2);
  assert.equal((await proxy.connected(1)).id, 1);
});

Deno.test("FaultProxy.waitForBytes() lets a test cut in the middle of a flood", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  using p = await pair(proxy.port, listener);
  const chunks: number[] = [];
  const off = proxy.onBytes("server-to-client", (c) => chunks.push(c.length));
  // The server writes until the cut breaks its connection.
  const flood = (async () => {
    try {
      while (true) await write(p.server, "x".repeat(1000));
    } catch {
      return "cut";
    }
  })();
  const received = readToEnd(p.client);
  await proxy.waitForBytes("server-to-client", 100_000);
  await proxy.cut();
  off();
  assert.equal(await flood, "cut");
  const got = (await received).length;
  assert.ok(got >= 100_000, `received ${got}`);
  assert.equal(chunks.reduce((a, b) => a + b, 0), got);
});

Deno.test("FaultProxy.connected() rejects after its timeout", async () => {
  using listener = listen();
  await using proxy = await startFaultProxy({ target: listener.port });
  await assert.rejects(proxy.connected(1, 50), /Timed out after 50 ms/);
});
