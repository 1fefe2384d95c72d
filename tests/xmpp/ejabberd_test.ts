import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { type Ejabberd, startEjabberd } from "../_support/ejabberd.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { next } from "./_prosody_session.ts";
import { collect, numbered, recorder, reliableOptions } from "./_reliable.ts";

/**
 * Resolves once alice's archive holds `body`. ejabberd archives a message
 * in the recipient's session process, after it acknowledged the sender, and
 * a stop can overtake that: only the server's own archive can say when.
 */
async function archived(ejabberd: Ejabberd, body: string): Promise<void> {
  await using raw = await connectRawXmpp({
    port: ejabberd.port,
    caFile: ejabberd.caFile,
    jid: "alice@localhost",
    password: "alice-secret-pw",
    resource: "check",
  });
  const deadline = performance.now() + 5000;
  for (let i = 0; performance.now() < deadline; i++) {
    const queryId = `check${i}`;
    await raw.iq(
      `<iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='${queryId}'><set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before/></set></query></iq>`,
    );
    const found = raw.received.some((s) =>
      s.getChild("result")?.attrs.queryid === queryId &&
      s.getChild("result")?.getChild("forwarded")?.getChild("message")
          ?.getChildText("body") === body
    );
    if (found) return;
  }
  throw new Error(`"${body}" was not archived within 5 s`);
}

// One ejabberd for both steps: it takes seconds to start. Its differences
// from Prosody: base64 resumption ids, numeric archive ids, archive results
// from our bare JID, <delay>Resent</delay> on what it resends, no <r/> after
// <resumed/>, and a system-shutdown stream error when it stops.
Deno.test("Session resumes, resends and catches up against ejabberd too", async (t) => {
  await using ejabberd = await startEjabberd();
  await using proxy = await startFaultProxy({
    target: ejabberd.port,
    caFile: ejabberd.caFile,
  });
  const got = recorder();
  await using alice = createSession(
    await reliableOptions(proxy, { catchUp: got.catchUp() }),
  );
  alice.setMessageHandler(got.handler);
  await alice.start();
  await alice.sendPresence();
  await using bob = createSession(
    await reliableOptions(ejabberd, {
      jid: "bob@localhost",
      password: "bob-secret-pw",
    }),
  );
  const bobGot = collect(bob);
  await bob.start();
  await bob.sendPresence();

  await t.step(
    "a cut: the stream is resumed, nothing lost or doubled",
    async () => {
      for (const body of numbered("b", 3)) {
        await bob.sendMessage("alice@localhost/pidgin", body);
      }
      await got.count(3);
      const resumed = next(alice, "status", (s) => s === "resumed");
      const sends = numbered("a", 3).map((body) =>
        alice.sendMessage("bob@localhost", body)
      );
      await proxy.cut();
      for (const body of numbered("b", 2, 4)) {
        await bob.sendMessage("alice@localhost/pidgin", body);
      }
      await resumed;
      await Promise.all(sends);
      await got.count(5);
      await bobGot.count(3);
      assert.deepEqual(got.bodies(), numbered("b", 5));
      assert.deepEqual(bobGot.bodies(), numbered("a", 3));
      assert.ok(
        got.messages.every((m) => m.stanzaId && /^\d+$/.test(m.stanzaId)),
      );
    },
  );

  await t.step(
    "a restart: a new session resends only what the archive lacks and catches up",
    async () => {
      proxy.blackhole("server-to-client");
      const taken = alice.sendMessage("bob@localhost", "taken");
      await bobGot.count(4);
      proxy.stall("client-to-server");
      const held = alice.sendMessage("bob@localhost", "held");
      await bob.sendMessage("alice@localhost", "missed-1");
      await bob.sendMessage("alice@localhost", "missed-2");
      await archived(ejabberd, "missed-2");
      const back = next(alice, "status", (s) => s === "online", 30_000);
      const bobBack = next(bob, "status", (s) => s === "online", 30_000);
      await ejabberd.restart();
      proxy.heal();
      proxy.resume();
      await back;
      await bobBack;
      await Promise.all([taken, held]);
      await got.count(7);
      await bobGot.count(5);
      await alice.roundTrip();
      await bob.roundTrip();
      assert.deepEqual(got.bodies().slice(5), ["missed-1", "missed-2"]);
      assert.deepEqual(bobGot.bodies().slice(3), ["taken", "held"]);
    },
  );
});
