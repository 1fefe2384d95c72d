import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice, next } from "./_prosody_session.ts";
import { numbered, record, reliableOptions } from "./_reliable.ts";

/** A handler gate: batches wait until `open()`. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open: () => open() };
}

Deno.test("Session acknowledges a message only once the handler resolved", async (t) => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);

  await t.step(
    "what a handler never finished comes again to the next session",
    async () => {
      await using proxy = await startFaultProxy({
        target: prosody.port,
        caFile: prosody.caFile,
      });
      await using first = createSession(
        await reliableOptions(proxy, { reconnect: false }),
      );
      let called!: () => void;
      const handed = new Promise<void>((resolve) => (called = resolve));
      // Never resolves: nothing it was given is logged.
      first.setMessageHandler(() => {
        called();
        return new Promise(() => {});
      });
      await first.start();
      await first.sendPresence();
      const offline = next(first, "status", (s) => s === "offline");
      for (const body of numbered("stuck", 3)) {
        await bob.sendMessage("alice@localhost/pidgin", body);
      }
      await handed;
      await first.roundTrip(); // the server answered our acknowledgements
      await proxy.cut(); // a crash: the stream is not closed
      await offline;

      await using second = createSession(await alice(prosody, "pidgin"));
      const got = record(second);
      await second.start();
      await second.sendPresence();
      await got.count(3);
      assert.deepEqual(got.bodies(), numbered("stuck", 3));
    },
  );

  await t.step("what it finished does not come again", async () => {
    await using first = createSession(await alice(prosody, "pidgin"));
    const got = record(first);
    await first.start();
    await first.sendPresence();
    await bob.sendMessage("alice@localhost/pidgin", "logged");
    await got.count(1);
    await first.roundTrip();
    await first.stop();

    await using second = createSession(await alice(prosody, "pidgin"));
    const again = record(second);
    await second.start();
    await second.sendPresence();
    await second.roundTrip(); // offline messages come before this answer
    await bob.roundTrip();
    await second.roundTrip();
    assert.deepEqual(again.bodies(), []);
  });
});

Deno.test("Session resumes while a batch is being handled: what the server resends is handed over once", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using bob = await onlinePeer(prosody);
  const slow = gate();
  let calls = 0;
  let firstCall: () => void = () => {};
  const handed = new Promise<void>((resolve) => (firstCall = resolve));
  await using session = createSession(await reliableOptions(proxy));
  const got = record(session, async () => {
    if (calls++ > 0) return;
    firstCall();
    await slow.wait();
  });
  await session.start();
  await session.sendPresence();
  for (const body of numbered("m", 3)) {
    await bob.sendMessage("alice@localhost/pidgin", body);
  }
  await handed;
  // Unacknowledged, so the server resends m1..m3 on the resumed stream.
  const resumed = next(session, "status", (s) => s === "resumed");
  await proxy.cut();
  await resumed;
  for (const body of numbered("m", 2, 4)) {
    await bob.sendMessage("alice@localhost/pidgin", body);
  }
  slow.open();
  await got.count(5);
  await session.roundTrip();
  assert.deepEqual(got.bodies(), numbered("m", 5));
  await session.stop();

  // Everything was acknowledged in the end: nothing waits for the next session.
  await using next_ = createSession({
    ...(await reliableOptions(prosody)),
    reconnect: false,
  });
  const again = record(next_);
  await next_.start();
  await next_.sendPresence();
  await next_.roundTrip();
  assert.deepEqual(again.bodies(), []);
});
