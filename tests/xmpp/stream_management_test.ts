import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { next } from "./_prosody_session.ts";
import {
  collect,
  numbered,
  recorder,
  reliableOptions,
  trace,
} from "./_reliable.ts";

const WAVES = 4;
const PER_WAVE = 75;

// Prosody 0.12 feeds a resumed connection to the old connection's parser: a
// cut in the middle of a stanza we were writing makes the resumed stream
// not-well-formed, and the session is gone. So a cut here ends either in a
// resume or in a new session that catches up from the archive; the messages
// must come out the same either way.
Deno.test("Session survives cuts during a flood both ways: every message exactly once, in order", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  const got = recorder();
  await using alice = createSession(
    await reliableOptions(proxy, { catchUp: got.catchUp() }),
  );
  alice.setMessageHandler(got.handler);
  const seen = trace(alice);
  await alice.start();
  await alice.sendPresence();
  await using bob = await onlinePeer(prosody);
  const bobGot = collect(bob);

  const sends: Promise<unknown>[] = [];
  for (let wave = 0; wave < WAVES; wave++) {
    const back = next(
      alice,
      "status",
      (s) => s === "resumed" || s === "online",
    );
    const from = wave * PER_WAVE + 1;
    for (const body of numbered("b", PER_WAVE, from)) {
      sends.push(bob.sendMessage("alice@localhost/pidgin", body));
    }
    for (const body of numbered("a", PER_WAVE, from)) {
      sends.push(alice.sendMessage("bob@localhost", body));
    }
    // Cut in the middle: some of bob's wave has reached alice, some not yet.
    await proxy.waitForBytes("server-to-client", 2000);
    await proxy.cut();
    await back;
  }
  await Promise.all(sends);
  const total = WAVES * PER_WAVE;
  await got.count(total);
  await bobGot.count(total);
  await alice.roundTrip();
  await bob.roundTrip();
  assert.deepEqual(got.bodies(), numbered("b", total));
  assert.deepEqual(bobGot.bodies(), numbered("a", total));
  assert.equal(alice.unacknowledged().length, 0);
  // Each cut, and each resumed stream Prosody then finds not-well-formed.
  const statuses = seen.filter((line) => line.startsWith("status"));
  assert.deepEqual(statuses.slice(0, 2), [
    "status: connecting",
    "status: online",
  ]);
  const outages = (statuses.length - 2) / 2;
  assert.ok(outages >= WAVES, statuses.join("\n"));
  assert.equal(proxy.connections, outages + 1);
  for (let i = 0; i < outages; i++) {
    assert.equal(statuses[2 + 2 * i], "status: reconnecting");
    assert.match(statuses[3 + 2 * i]!, /^status: (resumed|online)$/);
  }
});
