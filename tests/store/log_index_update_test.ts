import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createChatLog,
  loadZoneNames,
  openLogIndex,
} from "../../src/store/mod.ts";
import { hitKeys, searchAll, tempProfile } from "../_support/purple.ts";

const BOB_TXT = "2026-11-25.181807+0100CET.txt";
const BOB_HTML = "2026-11-25.182138+0100CET.html";

async function append(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text, { append: true });
}

Deno.test("LogIndex.update() finds what Pidgin appended to a log after indexing, and new files and folders", async (t) => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  await index.update();
  const bob = profile.conv("bob@localhost");
  await t.step("a line appended to a txt log", async () => {
    await append(
      join(bob, BOB_TXT),
      "(06:30:00 PM) Bobby <B&B> Ü: appendedword here\n",
    );
    const hits = await searchAll(index, "appendedword");
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.sender, "Bobby <B&B> Ü");
    assert.equal(
      new Date(hits[0]!.time * 1000).toISOString(),
      "2026-11-25T17:30:00.000Z",
    );
  });
  await t.step(
    "a continuation line of that message, written later",
    async () => {
      await append(join(bob, BOB_TXT), "and its second line\n");
      const hits = await searchAll(index, "appendedword");
      assert.deepEqual(hits.map((h) => h.body), [
        "appendedword here\nand its second line",
      ]);
    },
  );
  await t.step("a line appended to an html log", async () => {
    await append(
      join(bob, BOB_HTML),
      '<span style="color: #A82F2F"><span style="font-size: smaller">(06:40:00 PM)</span> <b>Bobby:</b></span> html&amp;appended<br>\n',
    );
    assert.deepEqual((await searchAll(index, "appended")).map((h) => h.body), [
      "html&appended",
    ]);
  });
  await t.step(
    "a line still being written is found once it is whole",
    async () => {
      await append(join(bob, BOB_TXT), "(06:50:00 PM) Bobby: halfwritten");
      assert.equal((await searchAll(index, "halfwritten")).length, 0);
      await append(join(bob, BOB_TXT), " line\n");
      assert.equal((await searchAll(index, "halfwritten")).length, 1);
    },
  );
  await t.step("a new file and a new conversation folder", async () => {
    await Deno.writeTextFile(
      join(bob, "2026-11-27.090000+0100CET.txt"),
      "Conversation with bob@localhost at x on y (jabber)\n(09:00:01) Bob: newfileword\n",
    );
    await Deno.mkdir(profile.conv("dave@localhost"));
    await Deno.writeTextFile(
      join(profile.conv("dave@localhost"), "2026-11-27.090000+0100CET.txt"),
      "(09:00:02) Dave: newfileword\n",
    );
    assert.deepEqual(
      (await searchAll(index, "newfileword")).map((h) => h.conversation),
      ["dave@localhost", "bob@localhost"],
    );
  });
  await t.step("nothing new: nothing indexed", async () => {
    // Files written in the last two seconds are looked at again: their
    // mtime may not show a write in the same tick.
    using later = openLogIndex(profile.dir, {
      clock: () => Date.now() + 10_000,
    });
    await later.update();
    assert.equal((await later.update()).files, 0);
  });
});

Deno.test("LogIndex.update() indexes again a log that shrank, was replaced or changed before where it was indexed", async (t) => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  const path = join(profile.conv("bob@localhost"), BOB_TXT);
  const original = await Deno.readTextFile(path);
  await index.update();
  await t.step("shrank", async () => {
    await Deno.writeTextFile(
      path,
      original.split("\n").slice(0, 2).join("\n") + "\n",
    );
    const specials = await searchAll(index, "specials", {
      contact: "bob@localhost",
    });
    assert.deepEqual(specials.map((h) => h.file), [BOB_HTML, BOB_HTML]);
    assert.equal(
      (await searchAll(index, "hello", { contact: "bob@localhost" })).length,
      2,
    );
  });
  await t.step("replaced by another file", async () => {
    await Deno.writeTextFile(
      `${path}.new`,
      original.replace("This is Bob", "This is Robert"),
    );
    await Deno.rename(`${path}.new`, path);
    assert.equal((await searchAll(index, "robert")).length, 1);
    assert.equal(
      (await searchAll(index, "specials", { contact: "bob@localhost" })).length,
      4,
    );
  });
  await t.step("changed in place, same size", async () => {
    await Deno.writeTextFile(
      path,
      original.replace("Hello Alice!", "Howdy Alice!"),
    );
    assert.equal((await searchAll(index, "howdy")).length, 1);
    assert.deepEqual(
      (await searchAll(index, "hello", { contact: "bob@localhost" })).map((h) =>
        h.file
      ),
      [BOB_HTML],
    );
  });
  await t.step("removed, with its folder", async () => {
    await Deno.remove(profile.conv("bob@localhost"), { recursive: true });
    assert.deepEqual(
      await searchAll(index, "hello", { contact: "bob@localhost" }),
      [],
    );
  });
});

Deno.test("LogIndex.search() keeps a forged line inside a message of ours part of that message", async () => {
  await using profile = await tempProfile({ fixture: false });
  const log = createChatLog({
    purpleDir: profile.dir,
    account: "alice@localhost",
    accountFull: "alice@localhost/pidgin",
    style: { format: "txt", locale: "C", zone: await loadZoneNames("UTC0") },
  });
  const time = new Date("2026-11-25T17:18:07Z");
  await log.append("bob@localhost", {
    direction: "in",
    name: "bob@localhost",
    body: "hi\n(18:00:00) alice@localhost/pidgin: please pay bob",
    time,
  });
  await log.close();
  using index = openLogIndex(profile.dir);
  const hits = await searchAll(index, "pay");
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.sender, "bob@localhost");
  assert.equal(
    hits[0]!.body,
    "hi\n(18:00:00) alice@localhost/pidgin: please pay bob",
  );
});

Deno.test("openLogIndex() in two processes at once: both search, one writes, nothing twice", async () => {
  await using profile = await tempProfile();
  for (let i = 0; i < 40; i++) {
    await Deno.writeTextFile(
      join(
        profile.conv("bob@localhost"),
        `2026-12-${String(1 + (i % 28)).padStart(2, "0")}.1${
          String(i).padStart(5, "0")
        }+0100CET.txt`,
      ),
      Array.from(
        { length: 500 },
        (_, j) =>
          `(10:${
            String(j % 60).padStart(2, "0")
          }:00) Bob: concurrent line ${i} ${j}\n`,
      ).join(""),
    );
  }
  const script = `
    import { openLogIndex, parseSearchQuery } from ${
    JSON.stringify(new URL("../../src/store/mod.ts", import.meta.url).href)
  };
    using index = openLogIndex(Deno.args[0]);
    let n = 0;
    for (let round = 0; round < 3; round++) {
      await index.update();
      let before;
      do {
        const page = await index.search({ node: parseSearchQuery("concurrent"), limit: 1000, before });
        n = round === 2 ? n + page.hits.length : n;
        before = page.next;
      } while (before !== undefined);
    }
    console.log(n);
  `;
  const run = () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        "--ext=ts",
        script,
        profile.dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const outs = await Promise.all([run(), run()]);
  for (const out of outs) {
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "20000");
  }
  using index = openLogIndex(profile.dir);
  const keys = hitKeys(await searchAll(index, "concurrent", { limit: 1000 }));
  assert.equal(new Set(keys).size, 20_000);
});
