import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

/** A log Pidgin wrote, opened a day from now: everything archived so far is older. */
async function pidginLogFromLater(purple: string): Promise<string> {
  const dir = join(
    purple,
    "logs",
    "jabber",
    "alice@localhost",
    "bob@localhost",
  );
  await Deno.mkdir(dir, { recursive: true });
  const later = new Date(Date.now() + 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  const name = `${later.getUTCFullYear()}-${p(later.getUTCMonth() + 1)}-${
    p(later.getUTCDate())
  }.${p(later.getUTCHours())}${p(later.getUTCMinutes())}${
    p(later.getUTCSeconds())
  }+0000UTC.txt`;
  await Deno.writeTextFile(
    join(dir, name),
    "Conversation with bob@localhost at (later) on alice@localhost/Finch (jabber)\n(10:00:00 AM) bob@localhost: written by Pidgin\n",
  );
  return name;
}

Deno.test("log --sync pulls older history from the archive into a log of its own day, once, both directions", async () => {
  await using prosody = await startProsody({ withArchive: true });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  {
    // Alice online on her phone only: the archive has both sides.
    await using phone = await onlinePeer(
      prosody,
      "alice@localhost",
      "alice-secret-pw",
      "phone",
    );
    await using bob = await onlinePeer(prosody);
    await bob.sendMessage("alice@localhost", "one");
    await phone.sendMessage("bob@localhost", "two, from the phone");
    await bob.sendMessage("alice@localhost", "three");
    await bob.roundTrip();
    await phone.roundTrip();
  }
  const pidgins = await pidginLogFromLater(purple);

  const first = await runCli(["log", "--sync", "bob@localhost"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stderr,
    /^Pulled 3 older messages with bob@localhost into the logs \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)\n$/,
  );
  // The pulled history comes before what Pidgin wrote later.
  assert.deepEqual(
    first.stdout.split("\n").map((l) => l.replace(/^\(.*?\) /, "")),
    [
      "bob@localhost: one",
      "alice@localhost/pidgin: two, from the phone",
      "bob@localhost: three",
      "bob@localhost: written by Pidgin",
      "",
    ],
  );
  const files = await readConversationLogs(purple, "bob@localhost");
  assert.equal(files.length, 2);
  assert.equal(files[1]!.name, pidgins, "Pidgin's log is untouched");
  assert.match(
    files[0]!.text,
    /^Conversation with bob@localhost at .* on alice@localhost\/pidgin \(jabber\)\n\(.*\) bob@localhost: one\n\(.*\) alice@localhost\/pidgin: two, from the phone\n\(.*\) bob@localhost: three\n$/,
  );

  // Again: nothing older than what is logged now, nothing doubled.
  const again = await runCli(["log", "--sync", "bob@localhost"], { env });
  assert.equal(again.code, 0, again.stderr);
  const after = await readConversationLogs(purple, "bob@localhost");
  assert.deepEqual(after.map((f) => f.text), files.map((f) => f.text));
});

Deno.test("log --sync on a server without an archive says so with exit 5; --max alone is refused", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  const result = await runCli(["log", "--sync", "bob@localhost"], { env });
  assert.equal(result.code, 5, result.stderr);
  assert.match(
    result.stderr,
    /^pidgin: Cannot read the archive: the server keeps none for this account\n/,
  );
  const max = await runCli(["log", "--max", "5", "bob@localhost"], { env });
  assert.equal(max.code, 2);
  assert.match(max.stderr, /^pidgin: --max goes with --sync\n/);
});
