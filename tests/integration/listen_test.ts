import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

Deno.test("listen prints each incoming message once it is logged, as JSON lines, and stops after --count", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using listen = spawnCli(["listen", "--json", "--count", "2"], {
    env: aliceEnv(prosody, purple),
  });
  await using bob = await onlinePeer(prosody);
  // Whether listen is online yet or not: the server keeps them until it is.
  await bob.sendMessage("alice@localhost", "first\nsecond line");
  await bob.sendMessage("alice@localhost", "\u009b2Jsecond");
  const result = await listen.exited();
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 2, result.stdout);
  const records = lines.map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => [r.contact, r.body, r.source]), [
    ["bob@localhost", "first\nsecond line", "live"],
    ["bob@localhost", "\u009b2Jsecond", "live"],
  ]);
  assert.ok(!result.stdout.includes("\u009b"), "no C1 control reaches stdout");
  const [log] = await readConversationLogs(purple, "bob@localhost");
  assert.match(log!.text, /bob@localhost: first\n/);
});

Deno.test("listen prints what came while it was offline, once, and only from --from", async () => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alice-secret-pw" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
      { jid: "carol@localhost", password: "carol-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  {
    // Alice offline: the server keeps these for her.
    await using bob = await onlinePeer(prosody);
    await using carol = await onlinePeer(
      prosody,
      "carol@localhost",
      "carol-secret-pw",
    );
    await bob.sendMessage("alice@localhost", "one");
    await carol.sendMessage("alice@localhost", "not for this script");
    await bob.sendMessage("alice@localhost", "two");
    await bob.roundTrip();
    await carol.roundTrip();
  }
  const first = await runCli(
    ["listen", "--from", "bob@localhost", "--count", "2"],
    { env },
  );
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d bob@localhost: one\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d bob@localhost: two\n$/,
  );
  // Nothing again on the next run: each message once.
  const again = await runCli(["listen", "--for", "1s"], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, "");
  // Carol's was not printed, but it was logged.
  const [log] = await readConversationLogs(purple, "carol@localhost");
  assert.match(log!.text, /carol@localhost: not for this script\n/);
});

Deno.test("listen refuses a bad --count or --for with exit 2", async () => {
  for (
    const [args, message] of [
      [
        ["--count", "0"],
        'Invalid --count "0": expected a whole number above 0',
      ],
      [
        ["--for", "soon"],
        'Invalid --for "soon": expected a duration such as 30s, 5m or 2h',
      ],
    ] as const
  ) {
    const result = await runCli(["listen", ...args], {
      env: { XMPP_JID: "alice@localhost", XMPP_PASSWORD: "x" },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.split("\n")[0], `pidgin: ${message}`);
  }
});
