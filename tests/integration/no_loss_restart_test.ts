import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import {
  backFrom,
  numbered,
  repeats,
  shownConversation,
} from "../_support/no_loss.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawPeer } from "../_support/raw_peer.ts";
import { spawnCli } from "../_support/run_cli.ts";

const HALF = 500;
// A restart ends every stream-management session: pidgin binds a new one,
// catches up from the archive after the last message it logged, and resends
// only what the archive does not hold. Bob (an independent client without
// stream management) loses his connection too, so what reached him is what
// his own archive holds.
Deno.test("chat through a server restart during a flood both ways: every message logged once, in order, and bob gets each line once", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(proxy, purple);
  await using chat = spawnCli(["chat", "bob@localhost"], { env });
  {
    await using bob = await connectRawPeer(prosody);
    await chat.writeLine("hello0000");
    await bob.waitForBodies("alice@localhost", 1);
    await chat.writeLine(numbered("a", 2 * HALF).join("\n"));
    await bob.waitForBodies("alice@localhost", 100);
    await bob.send("alice@localhost", numbered("b", HALF));
    await chat.waitForOutput("bob@localhost: b0050");
    // From here on nothing reaches pidgin: not the rest of bob's messages,
    // not the acknowledgement of the line it is sending. The server has all
    // of bob's when it goes down.
    proxy.blackhole("server-to-client");
    await bob.handled();
    await prosody.restart({
      whileDown: async () => {
        proxy.heal(); // pidgin sees the connection close
        await chat.waitForOutput("Connection lost; reconnecting");
      },
    });
  }
  await backFrom(chat, 1);
  await using bob = await connectRawPeer(prosody);
  await bob.send("alice@localhost", numbered("b", HALF, HALF + 1));
  await bob.handled();
  await chat.waitForOutput(`bob@localhost: b${2 * HALF}\n`, 60_000);
  // Every line read is sent before a piped chat exits.
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);

  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(repeats(shown.theirs), {});
  assert.deepEqual(shown.theirs, numbered("b", 2 * HALF));
  assert.deepEqual(shown.ours, ["hello0000", ...numbered("a", 2 * HALF)]);
  const archived = await bob.archive("alice@localhost");
  const got = archived.filter((m) => m.from === "alice@localhost").map((m) =>
    m.body
  );
  assert.deepEqual(repeats(got), {});
  assert.deepEqual(got, shown.ours);
});
