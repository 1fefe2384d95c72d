import assert from "node:assert/strict";
import { NotConfirmedError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { next } from "./_prosody_session.ts";
import { collect, reliableOptions } from "./_reliable.ts";

Deno.test("Session notices a dead connection within keepalive + deadAfter, and resumes once it is healed", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using session = createSession(
    await reliableOptions(proxy, { keepaliveMs: 300, deadAfterMs: 300 }),
  );
  await session.start();
  await session.sendPresence();
  await session.roundTrip();
  const started = performance.now();
  const reconnecting = next(session, "reconnecting");
  proxy.blackhole("both");
  const { reason } = await reconnecting;
  const ms = performance.now() - started;
  assert.match(
    reason.message,
    /was lost: the server did not answer for 300 ms$/,
  );
  // keepalive + deadAfter, plus a tick of the keepalive timer and slack for a busy machine.
  assert.ok(ms < 300 + 300 + 500, `noticed after ${Math.round(ms)} ms`);
  const resumed = next(session, "status", (s) => s === "resumed");
  proxy.heal();
  await resumed;
});

Deno.test("Session checks the connection at once after the process was suspended", async () => {
  await using prosody = await startProsody();
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using session = createSession(
    await reliableOptions(proxy, { keepaliveMs: 2000, deadAfterMs: 300 }),
  );
  await session.start();
  await session.roundTrip();
  const reconnecting = next(session, "reconnecting");
  proxy.blackhole("both");
  // Blocks the event loop as a suspend would: timers fire late.
  const until = performance.now() + 1600;
  while (performance.now() < until) { /* suspended */ }
  const { reason } = await reconnecting;
  assert.match(
    reason.message,
    /did not answer for 300 ms after the computer woke up$/,
  );
  proxy.heal();
});

Deno.test("Session sends during a frozen server: delivered once after thaw, never reported failed", async (t) => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);
  const bobGot = collect(bob);
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });

  await t.step("reconnecting: the message goes through once", async () => {
    await using alice = createSession(
      await reliableOptions(proxy, {
        keepaliveMs: 300,
        deadAfterMs: 300,
        timeoutMs: 1000,
      }),
    );
    await alice.start();
    prosody.freeze();
    let thawed = false;
    try {
      const sent = alice.sendMessage("bob@localhost", "while frozen");
      // The session gives the frozen connection up and keeps trying.
      await next(alice, "reconnecting");
      await next(alice, "reconnecting");
      const back = next(alice, "status", (s) => s !== "reconnecting");
      prosody.thaw();
      thawed = true;
      await sent;
      assert.match(await back, /^(resumed|online)$/);
    } finally {
      if (!thawed) prosody.thaw();
    }
    await bobGot.count(1);
    await alice.roundTrip();
    await bob.roundTrip();
    assert.deepEqual(bobGot.bodies(), ["while frozen"]);
  });

  await t.step(
    "not reconnecting: not confirmed, and then it arrives",
    async () => {
      await using alice = createSession(
        await reliableOptions(proxy, {
          reconnect: false,
          timeoutMs: 800,
          keepaliveMs: 60_000,
        }),
      );
      await alice.start();
      prosody.freeze();
      let error: unknown;
      const acknowledged = next(alice, "acknowledged");
      try {
        error = await alice.sendMessage("bob@localhost", "maybe").then(
          () => undefined,
          (err) => err,
        );
      } finally {
        prosody.thaw();
      }
      assert.ok(error instanceof NotConfirmedError, String(error));
      assert.equal(error.exitCode, 7);
      assert.match(error.message, /it may still arrive$/);
      assert.equal(alice.unacknowledged()[0]?.body, "maybe");
      await acknowledged;
      await bobGot.count(2);
      assert.deepEqual(bobGot.bodies(), ["while frozen", "maybe"]);
      assert.deepEqual(alice.unacknowledged(), []);
    },
  );
});
