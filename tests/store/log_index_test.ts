import assert from "node:assert/strict";
import { join } from "node:path";
import { openLogIndex, parseSearchQuery } from "../../src/store/mod.ts";
import { generateCorpus } from "../_support/log_corpus.ts";
import { hitKeys, searchAll, tempProfile } from "../_support/purple.ts";

Deno.test("openLogIndex() finds words in ours and Pidgin's logs, txt and html, chats and rooms", async () => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  const hits = await searchAll(index, "hello");
  assert.deepEqual(
    [...new Set(hits.map((h) => `${h.conversation}${h.room ? " (room)" : ""}`))]
      .sort(),
    [
      "bob@localhost",
      "testroom@conference.localhost (room)",
      "testroom@conference.localhost/AliceNick (room)",
      "testroom@conference.localhost/BobNick",
    ],
  );
  assert.ok(hits.some((h) => h.file.endsWith(".html")));
  assert.ok(hits.some((h) => h.file.endsWith(".txt")));
  const bob = hits.find((h) => h.body === "Hello Alice! HTML run now.")!;
  assert.equal(bob.sender, "Bobby <B&B> Ü");
  assert.equal(bob.kind, "message");
  assert.equal(bob.account, "alice@localhost");
  assert.equal(
    new Date(bob.time * 1000).toISOString(),
    "2026-11-25T17:21:38.000Z",
  );
  assert.deepEqual(bob.matches, [[0, 5]]);
  for (let i = 1; i < hits.length; i++) {
    assert.ok(hits[i - 1]!.id > hits[i]!.id);
  }
});

Deno.test("LogIndex.search() ignores case and diacritics and finds CJK inside a word", async (t) => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  for (
    const [query, body] of [
      ["UNICODE", "ünïcödé"],
      ["ünicode", "ünïcödé"],
      ["日本", "日本語"],
      ["本語", "日本語"],
      ["GROSS", undefined],
    ] as const
  ) {
    await t.step(query, async () => {
      const hits = await searchAll(index, query);
      if (body === undefined) return assert.equal(hits.length, 0);
      assert.equal(hits.length, 2); // the txt and the html log
      const [start, end] = hits[0]!.matches[0]!;
      assert.ok(body.includes(hits[0]!.body.slice(start, end)));
    });
  }
});

Deno.test("LogIndex.search() takes prefixes, phrases, OR and NOT", async (t) => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  const bodies = async (q: string) =>
    [...new Set((await searchAll(index, q)).map((h) => h.body))].sort();
  await t.step("a prefix", async () => {
    assert.deepEqual(await bodies("indent*"), [
      "Line one\nLine two\n  indented line three",
    ]);
  });
  await t.step("a phrase, across a line break", async () => {
    assert.deepEqual(await bodies('"two indented"'), [
      "Line one\nLine two\n  indented line three",
    ]);
    assert.deepEqual(await bodies('"three line"'), []);
  });
  await t.step("OR and NOT", async () => {
    // In Pidgin's txt an action's name cannot be told from its words.
    assert.deepEqual(await bodies("dances OR nods"), [
      "Alice A nods",
      "Carol W dances 💃",
      "dances 💃",
      "nods",
    ]);
    const alice = await bodies("alice");
    assert.deepEqual(
      await bodies("alice -room NOT bob"),
      alice.filter((b) => !/\b(room|bob)\b/i.test(b)),
    );
    assert.ok((await bodies("alice -room NOT bob")).length > 3);
  });
});

Deno.test("LogIndex.search() narrows to a contact, an account, rooms, a time range", async (t) => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  await t.step("a contact", async () => {
    const hits = await searchAll(index, "hello", { contact: "BOB@localhost" });
    assert.ok(
      hits.length > 0 && hits.every((h) => h.conversation === "bob@localhost"),
    );
  });
  await t.step("a room, with its private chats", async () => {
    const hits = await searchAll(index, "hello", {
      contact: "testroom@conference.localhost",
    });
    assert.ok(
      hits.some((h) =>
        h.conversation === "testroom@conference.localhost/BobNick"
      ),
    );
  });
  await t.step("rooms only", async () => {
    const hits = await searchAll(index, "hello", { room: true });
    assert.ok(hits.length > 0 && hits.every((h) => h.room));
  });
  await t.step("an account without logs", async () => {
    assert.deepEqual(
      await searchAll(index, "hello", { account: "carol@localhost" }),
      [],
    );
  });
  await t.step("a time range", async () => {
    const since = Date.UTC(2026, 10, 25, 17, 21) / 1000;
    const until = Date.UTC(2026, 10, 25, 17, 22) / 1000;
    const page = await index.search({
      node: parseSearchQuery("hello"),
      since,
      until,
      limit: 50,
    });
    assert.deepEqual(page.hits.map((h) => h.body), [
      "Hello Alice! HTML run now.",
    ]);
  });
});

Deno.test("LogIndex.search() pages through every hit of a common word, newest first, each once", async () => {
  await using profile = await tempProfile({ fixture: false });
  const corpus = await generateCorpus({
    dir: profile.dir,
    bytes: 600_000,
    contacts: 12,
    rooms: 3,
    plant: { quetzalcoatl: 9 },
  });
  using index = openLogIndex(profile.dir);
  const update = await index.update();
  assert.equal(update.files, corpus.files);
  assert.equal(update.entries > 0, true);
  assert.equal((await index.update()).files, 0); // nothing new: nothing done
  assert.equal((await searchAll(index, "quetzalcoatl")).length, 9);
  const common = await searchAll(index, "the", { limit: 50 });
  const grep = corpus.paths.reduce((n, p) => {
    const text = Deno.readTextFileSync(join(profile.dir, "logs", p));
    return n +
      text.split("\n").filter((l) =>
        /\bthe\b/i.test(
          l.replace(/<[^>]*>/g, " ").replace(/^\(.*?\) [^:]*: /, ""),
        )
      ).length;
  }, 0);
  assert.ok(
    common.length >= grep * 0.9 && common.length <= grep,
    `${common.length} of ${grep}`,
  );
  assert.equal(new Set(common.map((h) => h.id)).size, common.length);
  for (let i = 1; i < common.length; i++) {
    assert.ok(common[i - 1]!.id > common[i]!.id);
    assert.ok(common[i - 1]!.time + 86_400 >= common[i]!.time);
  }
  assert.deepEqual(hitKeys(await searchAll(index, "quetzalcoatl")).length, 9);
});

Deno.test("openLogIndex() keeps the index in the profile, 0600, with none of the text", async () => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  await index.update();
  assert.equal(index.path, join(profile.dir, "pidgin", "search.sqlite"));
  assert.equal((await Deno.stat(index.path)).mode! & 0o777, 0o600);
  index.close();
  const bytes = await Deno.readFile(index.path);
  assert.equal(
    new TextDecoder().decode(bytes).includes("indented line three"),
    false,
  );
});
