import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import {
  backFrom,
  numbered,
  outages,
  repeats,
  shownConversation,
} from "../_support/no_loss.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawPeer } from "../_support/raw_peer.ts";
import { spawnCli } from "../_support/run_cli.ts";

const CUTS = 5;
const PER_WAVE = 200;
// pidgin has no knob for its reconnect delays: the first attempt after an
// outage is at once, later ones about 1 s, 2 s, 4 s … while the outages come
// within 30 s of each other. So each cut waits for pidgin to say it is back.
Deno.test("chat through five cuts during a flood both ways: every message logged once, in order, and bob gets each line once", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(proxy, purple);
  // An independent client, connected straight to the server.
  await using bob = await connectRawPeer(prosody);
  await using chat = spawnCli(["chat", "bob@localhost"], { env });
  await chat.writeLine("hello0000");
  await bob.waitForBodies("alice@localhost", 1);

  for (let wave = 0; wave < CUTS; wave++) {
    const from = wave * PER_WAVE + 1;
    await chat.writeLine(numbered("a", PER_WAVE, from).join("\n"));
    await bob.waitForBodies("alice@localhost", from + 10);
    // In the middle of both floods: pidgin has sent some of its lines, and
    // logged the first of bob's while the rest are on their way.
    await bob.send("alice@localhost", numbered("b", PER_WAVE, from));
    await chat.waitForOutput(`bob@localhost: b${numbered("", 1, from + 9)}`);
    assert.equal(proxy.open.length, 1, "pidgin is online before the cut");
    await proxy.cut();
    await backFrom(chat, outages(chat).back + 1);
  }
  const total = CUTS * PER_WAVE;
  await bob.waitForBodies("alice@localhost", total + 1, 60_000);
  await chat.waitForOutput(`bob@localhost: b${total}\n`, 60_000);
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.ok(outages(chat).back >= CUTS, result.stdout.slice(-2000));
  assert.ok(proxy.connections >= CUTS + 1);

  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(repeats(shown.theirs), {});
  assert.deepEqual(shown.theirs, numbered("b", total));
  assert.deepEqual(shown.ours, ["hello0000", ...numbered("a", total)]);
  // Bob got what pidgin logged as sent, each once, in order.
  await bob.handled();
  assert.deepEqual(repeats(bob.bodies("alice@localhost")), {});
  assert.deepEqual(bob.bodies("alice@localhost"), shown.ours);
});
