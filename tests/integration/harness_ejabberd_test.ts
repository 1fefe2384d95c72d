import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startEjabberd } from "../_support/ejabberd.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { runCli } from "../_support/run_cli.ts";

const NS_MAM = "urn:xmpp:mam:2";
const NS_SM = "urn:xmpp:sm:3";
const PING = "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";

// One instance for every step: ejabberd takes seconds to start, Prosody not.
Deno.test("startEjabberd() runs a private ejabberd that pidgin and its peers use", async (t) => {
  await using ejabberd = await startEjabberd();
  assert.match(ejabberd.node, /^ejabberd-test-[0-9a-f]{8}@localhost$/);
  const purple = join(ejabberd.dir, "purple");

  await t.step(
    "createSession() peers log in and exchange a message",
    async () => {
      await using alice = await onlinePeer(
        ejabberd,
        "alice@localhost",
        "alice-secret-pw",
      );
      await using carol = await onlinePeer(
        ejabberd,
        "carol@localhost",
        "carol-secret-pw",
      );
      const received = nextMessages(carol, 1);
      await alice.sendMessage("carol@localhost", "hello from alice");
      const [message] = await received;
      assert.equal(message!.body, "hello from alice");
      assert.equal(message!.fromBare, "alice@localhost");
    },
  );

  await t.step("pidgin send delivers through it", async () => {
    await using bob = await onlinePeer(ejabberd);
    const received = nextMessages(bob, 1);
    const result = await runCli(["send", "bob@localhost", "hi", "bob"], {
      env: aliceEnv(ejabberd, purple),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await received)[0]!.body, "hi bob");
  });

  await t.step("it offers what differs from Prosody", async () => {
    await using raw = await connectRawXmpp({
      port: ejabberd.tlsPort,
      directTls: true,
      caFile: ejabberd.caFile,
      jid: "bob@localhost",
      password: "bob-secret-pw",
    });
    // PLAIN first, then only the SCRAM hash that is stored.
    assert.deepEqual(raw.mechanisms, [
      "PLAIN",
      "SCRAM-SHA-1-PLUS",
      "SCRAM-SHA-1",
    ]);
    await raw.send(`<enable xmlns='${NS_SM}' resume='true'/>`);
    const enabled = await raw.next((s) => s.is("enabled", NS_SM));
    assert.equal(enabled.attrs.max, "300");
    assert.match(String(enabled.attrs.id), /^[A-Za-z0-9+/]+=*$/);
    // The archive has what the earlier steps sent, with numeric ids.
    const fin = await raw.iq(
      `<iq type='set'><query xmlns='${NS_MAM}' queryid='q'/></iq>`,
    );
    assert.equal(fin.attrs.type, "result", fin.toString());
    const results = raw.received.filter((s) => s.getChild("result", NS_MAM));
    assert.ok(results.length >= 1, raw.log);
    for (const r of results) {
      assert.match(String(r.getChild("result")!.attrs.id), /^\d+$/);
    }
  });

  await t.step(
    "restart() keeps accounts; freeze() holds answers until thaw()",
    async () => {
      await ejabberd.restart();
      await using alice = await connectRawXmpp({
        port: ejabberd.port,
        caFile: ejabberd.caFile,
        jid: "alice@localhost",
        password: "alice-secret-pw",
      });
      assert.equal((await alice.iq(PING)).attrs.type, "result");
      ejabberd.freeze();
      const pong = alice.iq(PING, 10_000);
      // A running server answers a ping within milliseconds; a frozen one never does.
      await assert.rejects(alice.iq(PING, 300), /Timed out/);
      ejabberd.thaw();
      assert.equal((await pong).attrs.type, "result");
    },
  );
});
