import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

Deno.test("a one-shot send never ends a running session of the same account", async () => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  await using pidgin = spawnCli([], { env });
  await pidgin.writeLine("/status");
  await pidgin.waitForOutput("You are available");
  const got = nextMessages(bob, 2);
  const sent = await runCli(["send", "bob@localhost", "from a script"], {
    env,
  });
  assert.equal(sent.code, 0, sent.stderr);
  await pidgin.writeLine("/msg bob@localhost still here");
  await pidgin.waitForOutput("Sent to bob@localhost");
  assert.deepEqual((await got).map((m) => m.body), [
    "from a script",
    "still here",
  ]);
  const [fromSend, fromSession] = await got;
  assert.match(fromSend!.from, /^alice@localhost\/pidgin\.[a-z0-9]{8}$/);
  assert.equal(fromSession!.from, "alice@localhost/pidgin");
  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("the long-lived session binds a resource kept per profile and account", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const { XMPP_RESOURCE: _, ...env } = aliceEnv(prosody, purple);
  const first = await runCli(["interactive"], { env, stdin: "/quit\n" });
  assert.equal(first.code, 0, first.stderr);
  const kept = JSON.parse(
    await Deno.readTextFile(
      join(purple, "pidgin", "alice@localhost", "resource.json"),
    ),
  );
  assert.match(kept.resource, /^pidgin\.[a-z0-9]{8}$/);
  await using bob = await onlinePeer(prosody);
  const got = nextMessages(bob, 1);
  const second = await runCli(["chat", "bob@localhost"], {
    env,
    stdin: "hello\n",
  });
  assert.equal(second.code, 0, second.stderr);
  assert.equal((await got)[0]!.from, `alice@localhost/${kept.resource}`);
});
