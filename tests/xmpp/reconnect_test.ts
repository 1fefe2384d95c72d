import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { next } from "./_prosody_session.ts";
import { collect, recorder, reliableOptions, trace } from "./_reliable.ts";

Deno.test("Session binds a new session when resumption is refused: resends only what the archive lacks, catches up what it missed", async () => {
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
  const seen = trace(alice, ["status"]);
  await alice.start();
  await alice.sendPresence("away", "lunch");
  await alice.getRoster(); // so a new session fetches it again
  const rosterReset = next(alice, "rosterReset");
  // bob reconnects too: the restart drops him as well.
  await using bob = createSession(
    await reliableOptions(prosody, {
      jid: "bob@localhost",
      password: "bob-secret-pw",
    }),
  );
  const bobGot = collect(bob);
  await bob.start();
  await bob.sendPresence();
  // Our other client sees our presence (bob is not subscribed to it).
  await using phone = createSession(
    await reliableOptions(prosody, { resource: "phone" }),
  );
  await phone.start();
  await phone.sendPresence();
  await alice.sendMessage("bob@localhost", "hello bob");
  await bob.sendMessage("alice@localhost", "hello alice");
  await got.count(1);

  // The server takes "taken" but its acknowledgement never reaches alice.
  proxy.blackhole("server-to-client");
  const taken = alice.sendMessage("bob@localhost", "taken");
  await bobGot.count(2);
  // "held" never reaches the server.
  proxy.stall("client-to-server");
  const held = alice.sendMessage("bob@localhost", "held");
  // These reach alice's stream, not alice: the archive has them.
  await bob.sendMessage("alice@localhost", "missed-1");
  await bob.sendMessage("alice@localhost", "missed-2");

  const back = next(alice, "status", (s) => s === "online");
  const presenceAgain = next(
    phone,
    "presence",
    (p) => p.from === "alice@localhost/pidgin" && p.show === "away",
  );
  await prosody.restart(); // stream-management sessions are gone
  proxy.heal();
  proxy.resume();
  await back;
  await Promise.all([taken, held]);
  await got.count(3);
  await bobGot.count(3);
  await alice.roundTrip();
  await bob.roundTrip();
  assert.deepEqual(got.bodies(), ["hello alice", "missed-1", "missed-2"]);
  assert.deepEqual(
    got.messages.map((m) => m.source),
    ["live", "archive", "archive"],
  );
  assert.deepEqual(bobGot.bodies(), ["hello bob", "taken", "held"]);
  assert.deepEqual(alice.unacknowledged(), []);
  // The new session says who we are again: presence, and the roster.
  assert.equal((await presenceAgain).status, "lunch");
  assert.deepEqual(await rosterReset, []);
  assert.deepEqual(seen, [
    "status: connecting",
    "status: online",
    "status: reconnecting",
    "status: online",
  ]);
});

Deno.test("Session reconnects with growing delays while the server is unreachable, and stop() ends the wait", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using alice = createSession(
    await reliableOptions(proxy, {
      reconnectBaseMs: 40,
      reconnectMaxMs: 100,
    }),
  );
  const delays: number[] = [];
  alice.on("reconnecting", ({ inMs, reason }) => {
    assert.ok(reason instanceof ConnectionError);
    delays.push(inMs);
  });
  await alice.start();
  proxy.refuse();
  await proxy.cut();
  await proxy.attempted(5);
  assert.equal(delays[0], 0);
  assert.ok(delays[1]! >= 20 && delays[1]! <= 40, String(delays));
  assert.ok(delays.every((d) => d <= 100), String(delays));
  // A message sent meanwhile waits; stop() says it was never sent.
  const pending = alice.sendMessage("bob@localhost", "later");
  assert.equal(alice.unacknowledged().length, 1);
  await alice.stop();
  await assert.rejects(pending, /the session ended before it was sent/);
});

Deno.test("Session does not reconnect after another client took its resource (conflict)", async () => {
  await using prosody = await startProsody();
  await using first = createSession(await reliableOptions(prosody));
  const seen = trace(first);
  await first.start();
  const offline = next(first, "status", (s) => s === "offline");
  await using second = createSession(await reliableOptions(prosody));
  await second.start();
  await offline;
  assert.deepEqual(seen, [
    "status: connecting",
    "status: online",
    'disconnected: Signed out by the server: another client signed in as "alice@localhost/pidgin" (conflict)',
    "status: offline",
  ]);
});

Deno.test("Session.sendMessage() of an earlier run's message sends it only when our archive lacks it", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using bob = createSession(
    await reliableOptions(prosody, {
      jid: "bob@localhost",
      password: "bob-secret-pw",
    }),
  );
  const bobGot = collect(bob);
  await bob.start();
  await bob.sendPresence();
  const queuedAt = new Date();
  {
    // The earlier run: sent, then killed before it saw the acknowledgement.
    await using before = createSession(await reliableOptions(prosody));
    await before.start();
    await before.sendMessage("bob@localhost", "already there", {
      id: "run1-a",
    });
  }
  await using alice = createSession(await reliableOptions(prosody));
  await alice.start();
  const resent = await Promise.all([
    alice.sendMessage("bob@localhost", "already there", {
      id: "run1-a",
      queuedAt,
    }),
    alice.sendMessage("bob@localhost", "never sent", {
      id: "run1-b",
      queuedAt,
    }),
  ]);
  assert.deepEqual(resent.map((r) => r.id), ["run1-a", "run1-b"]);
  await bobGot.count(2);
  await bob.roundTrip();
  assert.deepEqual(bobGot.bodies(), ["already there", "never sent"]);
  assert.deepEqual(bobGot.messages.map((m) => m.originId), [
    "run1-a",
    "run1-b",
  ]);
});

Deno.test("Session without stream management on the server: a round trip confirms a message, and a reconnect resends what may not have arrived", async () => {
  await using prosody = await startProsody({ withoutStreamManagement: true });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using bob = createSession(
    await reliableOptions(prosody, {
      jid: "bob@localhost",
      password: "bob-secret-pw",
    }),
  );
  const bobGot = collect(bob);
  await bob.start();
  await bob.sendPresence();
  await using alice = createSession(await reliableOptions(proxy));
  await alice.start();
  await alice.sendMessage("bob@localhost", "confirmed by a ping");
  // Not written to the server yet when the connection goes.
  proxy.stall("client-to-server");
  const later = alice.sendMessage("bob@localhost", "after the cut");
  const back = next(alice, "status", (s) => s === "online");
  await proxy.cut();
  proxy.resume();
  await back;
  await later;
  await bobGot.count(2);
  await bob.roundTrip();
  assert.deepEqual(bobGot.bodies(), ["confirmed by a ping", "after the cut"]);
});
