import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatLog } from "../../src/store/chat_log.ts";
import { openMessageLedger } from "../../src/store/message_ledger.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";
import { tempProfile } from "../_support/purple_files.ts";

const style = {
  format: "txt" as const,
  locale: "C" as const,
  zone: await loadZoneNames("UTC0"),
};

function entry(body: string, ids: string[], cursor?: string) {
  return {
    direction: "in" as const,
    name: "bob@x",
    body,
    time: new Date(),
    ledger: { ids, cursor },
  };
}

Deno.test("openMessageLedger() knows across a restart what was logged, and the cursor", async () => {
  const purple = await Deno.makeTempDir();
  const ledger = openMessageLedger(purple, "alice@x");
  const log = createChatLog({
    purpleDir: purple,
    account: "alice@x",
    accountFull: "alice@x/pidgin",
    style,
    ledger,
  });
  await log.append("bob@x", entry("one", ["s:1", "m:bob@x/a"], "1"));
  await log.append("bob@x", entry("two", ["s:2"], "2"));
  await log.close();
  ledger.close();
  const again = openMessageLedger(purple, "alice@x");
  assert.ok(again.has("s:1") && again.has("m:bob@x/a") && again.has("s:2"));
  assert.ok(!again.has("s:3"));
  assert.equal(again.cursor(), "2");
  again.close();
  await Deno.remove(purple, { recursive: true });
});

Deno.test("openMessageLedger() drops a record whose log write never happened (a kill in between)", async () => {
  const purple = await Deno.makeTempDir();
  const ledger = openMessageLedger(purple, "alice@x");
  const log = createChatLog({
    purpleDir: purple,
    account: "alice@x",
    accountFull: "alice@x/pidgin",
    style,
    ledger,
  });
  await log.append("bob@x", entry("kept", ["s:1"], "1"));
  await log.close();
  // As if the process died after the ledger line and before the log write.
  ledger.record({
    path: join(purple, "logs/jabber/alice@x/bob@x/never-written.txt"),
    start: 0,
    length: 10,
    hash: "00000000",
    ids: ["s:2"],
    cursor: "2",
  });
  ledger.close();
  const again = openMessageLedger(purple, "alice@x");
  assert.ok(again.has("s:1"));
  assert.ok(
    !again.has("s:2"),
    "the message was never logged: it must come again",
  );
  assert.equal(again.cursor(), "1");
  again.close();
  await Deno.remove(purple, { recursive: true });
});

Deno.test("a failed log write leaves its ids unknown, in this process and after a restart", async () => {
  const purple = await Deno.makeTempDir();
  const ledger = openMessageLedger(purple, "alice@x");
  let fail = false;
  const log = createChatLog({
    purpleDir: purple,
    account: "alice@x",
    accountFull: "alice@x/pidgin",
    style,
    ledger,
    writeSync: (file, bytes) => {
      if (fail) throw Object.assign(new Error("No space"), { code: "ENOSPC" });
      return file.writeSync(bytes);
    },
  });
  await log.append("bob@x", entry("first", ["s:1"]));
  fail = true;
  await assert.rejects(log.append("bob@x", entry("lost", ["s:2"])));
  assert.ok(!ledger.has("s:2"));
  fail = false;
  // A later write of the same size at the same place does not make the failed record true.
  await log.append("bob@x", entry("last", ["s:3"]));
  await log.close();
  ledger.close();
  const again = openMessageLedger(purple, "alice@x");
  assert.deepEqual(["s:1", "s:2", "s:3"].map((id) => again.has(id)), [
    true,
    false,
    true,
  ]);
  again.close();
  await Deno.remove(purple, { recursive: true });
});

Deno.test("a ledger sees what another process recorded after refresh()", async () => {
  const purple = await Deno.makeTempDir();
  const a = openMessageLedger(purple, "alice@x");
  const b = openMessageLedger(purple, "alice@x");
  a.record({ path: "", start: 0, length: 0, hash: "", ids: ["o:x"] });
  assert.ok(!b.has("o:x"));
  b.refresh();
  assert.ok(b.has("o:x"));
  a.close();
  b.close();
  await Deno.remove(purple, { recursive: true });
});

Deno.test("two processes that got the same message log it once: the second sees the first's record under the lock", async () => {
  const purple = await Deno.makeTempDir();
  // Two open ledgers lock each other out as two processes do (flock is per open file).
  const open = () => {
    const ledger = openMessageLedger(purple, "alice@x");
    const log = createChatLog({
      purpleDir: purple,
      account: "alice@x",
      accountFull: "alice@x/pidgin",
      style,
      ledger,
    });
    return { ledger, log };
  };
  const a = open();
  const b = open();
  // Both checked the ledger before either logged (as two receivers of one carbon do).
  assert.ok(!a.ledger.has("s:1") && !b.ledger.has("s:1"));
  await a.log.append("bob@x", entry("once", ["s:1"], "1"));
  await b.log.append(
    "bob@x",
    entry("once", ["s:1"], "1"),
    entry("new", ["s:2"], "2"),
  );
  await a.log.close();
  await b.log.close();
  a.ledger.close();
  b.ledger.close();
  const dir = join(purple, "logs/jabber/alice@x/bob@x");
  let text = "";
  for await (const f of Deno.readDir(dir)) {
    if (f.name.endsWith(".txt")) {
      text += await Deno.readTextFile(join(dir, f.name));
    }
  }
  assert.equal(text.match(/: once$/gm)?.length, 1, text);
  assert.equal(text.match(/: new$/gm)?.length, 1, text);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("openMessageLedger() keeps the newest 20,000 ids and compacts its file: memory and start-up stay flat", async () => {
  const purple = await Deno.makeTempDir();
  try {
    const ledger = openMessageLedger(purple, "alice@x");
    const batch = (n: number) =>
      Array.from(
        { length: 1000 },
        (_, i) => `s:${String(n * 1000 + i).padStart(60, "0")}`,
      );
    for (let n = 0; n < 70; n++) {
      ledger.record({ path: "", start: 0, length: 0, hash: "", ids: batch(n) });
    }
    assert.ok(ledger.has(batch(69)[999]!));
    assert.ok(ledger.has(batch(50)[0]!));
    assert.ok(!ledger.has(batch(0)[0]!), "the oldest are forgotten");
    ledger.close();
    const file = join(purple, "pidgin", "alice@x", "ledger");
    const grown = (await Deno.stat(file)).size;
    assert.ok(grown > 4 * 1024 * 1024, `${grown} bytes before the reopen`);
    const again = openMessageLedger(purple, "alice@x");
    assert.ok(again.has(batch(69)[999]!) && again.has(batch(50)[0]!));
    assert.ok(!again.has(batch(40)[0]!));
    again.close();
    const compacted = (await Deno.stat(file)).size;
    assert.ok(compacted < 2 * 1024 * 1024, `${compacted} bytes after`);
  } finally {
    await Deno.remove(purple, { recursive: true });
  }
});

Deno.test("a process that compacts the ledger at open and one that had it open keep one ledger: each sees what the other records after", async () => {
  await using profile = await tempProfile();
  const purple = profile.path;
  const a = openMessageLedger(purple, "alice@x");
  const big = "x".repeat(1000);
  for (let i = 0; i < 4500; i++) {
    a.record({
      path: "",
      start: 0,
      length: 0,
      hash: "",
      ids: [`s:${i}-${big}`],
    });
  }
  // Opened past 4 MB: b writes the file anew and renames it over a's.
  const b = openMessageLedger(purple, "alice@x");
  a.record({ path: "", start: 0, length: 0, hash: "", ids: ["s:by-a"] });
  b.refresh();
  assert.ok(b.has("s:by-a"), "b reads what a writes");
  b.record({ path: "", start: 0, length: 0, hash: "", ids: ["s:by-b"] });
  a.refresh();
  assert.ok(a.has("s:by-b"), "a reads what b writes");
  assert.ok(a.has(`s:4499-${big}`) && b.has(`s:4499-${big}`));
  a.close();
  b.close();
});
