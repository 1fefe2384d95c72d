import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { repeats, shownConversation } from "../_support/no_loss.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawPeer } from "../_support/raw_peer.ts";
import { spawnCli } from "../_support/run_cli.ts";

// A hung server (SIGSTOP) answers nothing: pidgin finds the connection dead
// (no answer to its acknowledgement request within 20 s), gives it up and
// keeps trying. The line it sent may or may not have reached the server, so
// it is never reported failed; once the server runs again it is delivered
// exactly once (resumed, or looked up in the archive before any resend).
Deno.test("chat during a frozen server: the line is delivered once after the thaw and never reported failed", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(proxy, purple);
  await using bob = await connectRawPeer(prosody);
  await using chat = spawnCli(["--timeout", "2", "chat", "bob@localhost"], {
    env,
  });
  await chat.writeLine("/status");
  await chat.waitForOutput("You are available");

  prosody.freeze();
  try {
    const written = proxy.waitForBytes("client-to-server", 50);
    await chat.writeLine("while frozen");
    await written;
    // Far past --timeout: pidgin gave the connection up.
    await chat.waitForOutput("Connection lost", 40_000);
  } finally {
    prosody.thaw();
  }
  await bob.waitForBodies("alice@localhost", 1, 30_000);
  await chat.waitForOutput("Reconnected", 30_000);
  await chat.writeLine("after the thaw");
  await bob.waitForBodies("alice@localhost", 2);
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(
    result.stdout + result.stderr,
    /not sent|failed|could not|error/i,
  );

  await bob.handled();
  assert.deepEqual(bob.bodies("alice@localhost"), [
    "while frozen",
    "after the thaw",
  ]);
  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(repeats(shown.ours), {});
  assert.deepEqual(shown.ours, ["while frozen", "after the thaw"]);
  assert.equal(shown.entries.length, 2, "no error line in the log");
});
