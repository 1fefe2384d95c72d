import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { numbered, repeats, shownConversation } from "../_support/no_loss.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawPeer } from "../_support/raw_peer.ts";
import { spawnCli } from "../_support/run_cli.ts";

const LINES = 1000;
const HALF = 500;
// pidgin logs a line before it sends it, and keeps it in unacked/ until the
// server acknowledged it; it acknowledges bob's messages only once they are
// logged. So a kill -9 at any moment loses nothing: the next start resends
// what the archive lacks of what was logged, and catches up the rest.
Deno.test("chat killed with SIGKILL during a flood both ways and started again: every message logged once, in order, and bob gets each logged line once", async () => {
  await using prosody = await startProsody({ withArchive: true });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using bob = await connectRawPeer(prosody);
  {
    await using chat = spawnCli(["chat", "bob@localhost"], { env });
    await chat.writeLine("hello0000");
    await bob.waitForBodies("alice@localhost", 1);
    await chat.writeLine(numbered("a", LINES).join("\n"));
    await bob.waitForBodies("alice@localhost", 100);
    await bob.send("alice@localhost", numbered("b", HALF));
    await chat.waitForOutput("bob@localhost: b0050");
    chat.kill();
    assert.equal((await chat.exited()).code, 137);
  }
  // The lines pidgin logged before it was killed, in order from the first;
  // what it had not read yet was never sent.
  const before = await shownConversation(env, "bob@localhost");
  assert.equal(before.ours[0], "hello0000");
  const logged = before.ours.length - 1;
  assert.deepEqual(before.ours.slice(1), numbered("a", logged));
  assert.ok(logged >= 100 && logged <= LINES, `${logged} lines logged`);
  // While pidgin is gone (its resource still held by the server for a
  // while, and then not), bob goes on.
  await bob.send("alice@localhost", numbered("b", HALF, HALF + 1));
  await bob.handled();
  // Started again, it is given the lines it never read.
  await using again = spawnCli(["chat", "bob@localhost"], { env });
  if (logged < LINES) {
    await again.writeLine(
      numbered("a", LINES - logged, logged + 1).join("\n"),
    );
  }
  await again.waitForOutput(`bob@localhost: b${2 * HALF}\n`, 60_000);
  const result = await again.finish();
  assert.equal(result.code, 0, result.stderr);

  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(repeats(shown.theirs), {});
  assert.deepEqual(shown.theirs, numbered("b", 2 * HALF));
  assert.deepEqual(shown.ours, ["hello0000", ...numbered("a", LINES)]);
  // Bob got each of them once, in order, nothing else.
  await bob.waitForBodies("alice@localhost", LINES + 1);
  await bob.handled();
  assert.deepEqual(repeats(bob.bodies("alice@localhost")), {});
  assert.deepEqual(bob.bodies("alice@localhost"), shown.ours);
});
