import assert from "node:assert/strict";
import { nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawXmpp, type RawXmppOptions } from "../_support/raw_xmpp.ts";

const NS_MAM = "urn:xmpp:mam:2";
const NS_SM = "urn:xmpp:sm:3";
const PING = "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";

function as(
  server: { port: number; caFile: string },
  user: "alice" | "bob",
): RawXmppOptions {
  return {
    port: server.port,
    caFile: server.caFile,
    jid: `${user}@localhost`,
    password: `${user}-secret-pw`,
  };
}

Deno.test("startProsody() keeps its defaults: no archive, resumption for 600 s", async () => {
  await using prosody = await startProsody();
  await using alice = await connectRawXmpp(as(prosody, "alice"));
  await alice.send(`<enable xmlns='${NS_SM}' resume='true'/>`);
  const enabled = await alice.next((s) => s.is("enabled", NS_SM));
  assert.equal(enabled.attrs.max, "600");
  const query = await alice.iq(
    `<iq type='set'><query xmlns='${NS_MAM}'/></iq>`,
  );
  assert.equal(query.attrs.type, "error");
});

Deno.test("startProsody({ withArchive, smacksHibernation }) archives chat messages and sets the resumption time", async () => {
  await using prosody = await startProsody({
    withArchive: true,
    smacksHibernation: 7,
  });
  await using alice = await connectRawXmpp(as(prosody, "alice"));
  await alice.send(`<enable xmlns='${NS_SM}' resume='true'/>`);
  assert.equal(
    (await alice.next((s) => s.is("enabled", NS_SM))).attrs.max,
    "7",
  );

  await using bob = await onlinePeer(prosody);
  await bob.sendMessage("alice@localhost", "archived?");
  const fin = await alice.iq(
    `<iq type='set'><query xmlns='${NS_MAM}' queryid='q1'/></iq>`,
  );
  assert.equal(fin.attrs.type, "result", fin.toString());
  const result = alice.received.find((s) =>
    s.getChild("result", NS_MAM)?.attrs.queryid === "q1"
  );
  assert.equal(
    result?.getChild("result")?.getChild("forwarded")?.getChild("message")
      ?.getChildText("body"),
    "archived?",
  );
});

Deno.test("Prosody.restart() comes back on the same port with accounts and archive", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using bob = await onlinePeer(prosody);
  await bob.sendMessage("alice@localhost", "before the restart");
  const offline = new Promise((resolve) => bob.on("status", resolve));
  let refused = false;
  await prosody.restart({
    whileDown: async () => {
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port: prosody.port }),
        Deno.errors.ConnectionRefused,
      );
      refused = true;
    },
  });
  assert.ok(refused);
  assert.equal(await offline, "offline");
  await using alice = await connectRawXmpp(as(prosody, "alice"));
  await alice.iq(`<iq type='set'><query xmlns='${NS_MAM}' queryid='q'/></iq>`);
  assert.ok(alice.log.includes("before the restart"));
});

Deno.test("Prosody.freeze() leaves connections open and unanswered until thaw()", async () => {
  await using prosody = await startProsody();
  await using alice = await connectRawXmpp(as(prosody, "alice"));
  prosody.freeze();
  const pong = alice.iq(PING, 10_000);
  // A running server answers a ping within milliseconds; a frozen one never does.
  await assert.rejects(alice.iq(PING, 300), /Timed out/);
  prosody.thaw();
  assert.equal((await pong).attrs.type, "result");
});

Deno.test("a session through the FaultProxy verifies TLS end to end and goes offline on a cut", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  assert.equal(proxy.env.XMPP_CA_FILE, prosody.caFile);
  await using bob = await onlinePeer(prosody);
  await using alice = await onlinePeer(
    proxy,
    "alice@localhost",
    "alice-secret-pw",
  );
  const connection = await proxy.connected(1);
  const received = nextMessages(alice, 1);
  await bob.sendMessage("alice@localhost", "through the proxy");
  assert.equal((await received)[0]!.body, "through the proxy");
  assert.ok(connection.bytes("server-to-client") > 0);

  const offline = new Promise((resolve) => alice.on("status", resolve));
  await proxy.cut();
  assert.equal(await offline, "offline");
  assert.equal(proxy.open.length, 0);
});

Deno.test("a session through a stalled FaultProxy gets its answer after resume()", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using alice = await onlinePeer(
    proxy,
    "alice@localhost",
    "alice-secret-pw",
  );
  proxy.stall();
  const answered = alice.roundTrip();
  const resumed = proxy.waitForBytes("client-to-server", 1);
  proxy.resume();
  await resumed;
  await answered;
});
