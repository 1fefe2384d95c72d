import assert from "node:assert/strict";
import { join } from "node:path";
import { parseSearchDate, searchLogs } from "../../src/core/mod.ts";
import { UsageError } from "../../src/errors.ts";
import { generateCorpus } from "../_support/log_corpus.ts";
import { tempProfile } from "../_support/purple.ts";

Deno.test("searchLogs() returns hits newest first with account, conversation, time, sender, text and matches", async () => {
  await using profile = await tempProfile();
  const page = await searchLogs(profile.dir, { text: "waves", limit: 3 });
  assert.equal(page.hits.length, 3);
  assert.ok(page.next);
  const [first] = page.hits;
  assert.equal(first!.account, "alice@localhost");
  assert.equal(first!.conversation, "testroom@conference.localhost");
  assert.equal(first!.room, true);
  assert.equal(first!.kind, "action");
  assert.ok(first!.time instanceof Date);
  const rest = await searchLogs(profile.dir, {
    text: "waves",
    before: page.next,
    limit: 50,
  });
  assert.ok(rest.hits.every((h) => h.time <= page.hits.at(-1)!.time));
  assert.equal(rest.next, undefined);
  const ids = [...page.hits, ...rest.hits].map((h) => h.id);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("searchLogs() searches contacts with logs but no roster entry, by contact, account and dates", async () => {
  await using profile = await tempProfile({ fixture: false });
  await generateCorpus({
    dir: profile.dir,
    bytes: 200_000,
    contacts: 5,
    rooms: 2,
    plant: { zebrafinch: 6 },
  });
  await Deno.mkdir(
    join(
      profile.dir,
      "logs",
      "jabber",
      "other@example.net",
      "stranger@example.org",
    ),
    { recursive: true },
  );
  await Deno.writeTextFile(
    join(
      profile.dir,
      "logs",
      "jabber",
      "other@example.net",
      "stranger@example.org",
      "2020-05-01.120000+0000UTC.txt",
    ),
    "(12:00:01) Stranger: zebrafinch from nowhere\n",
  );
  const all = await searchLogs(profile.dir, { text: "zebrafinch", limit: 100 });
  assert.equal(all.hits.length, 7);
  const other = await searchLogs(profile.dir, {
    text: "zebrafinch",
    account: "OTHER@example.net",
  });
  assert.deepEqual(other.hits.map((h) => h.conversation), [
    "stranger@example.org",
  ]);
  const contact = await searchLogs(profile.dir, {
    text: "zebrafinch",
    contact: "stranger@example.org",
  });
  assert.equal(contact.hits.length, 1);
  const dated = await searchLogs(profile.dir, {
    text: "zebrafinch",
    since: new Date("2020-05-01T00:00:00Z"),
    until: new Date("2020-05-01T23:59:59Z"),
  });
  assert.deepEqual(dated.hits.map((h) => h.body), ["zebrafinch from nowhere"]);
});

Deno.test("searchLogs() refuses a bad query, limit or cursor with UsageError", async (t) => {
  await using profile = await tempProfile();
  for (
    const request of [
      { text: "" },
      { text: '"open' },
      { text: "ok", limit: 0 },
      { text: "ok", limit: 1.5 },
      { text: "ok", before: "abc" },
      { text: "ok", since: new Date(2026, 1, 2), until: new Date(2026, 1, 1) },
    ]
  ) {
    await t.step(JSON.stringify(request), async () => {
      await assert.rejects(searchLogs(profile.dir, request), UsageError);
    });
  }
});

Deno.test("parseSearchDate() reads dates, times and days ago, and refuses the rest", () => {
  assert.equal(
    parseSearchDate("2026-11-25").getTime(),
    new Date(2026, 10, 25).getTime(),
  );
  assert.equal(
    parseSearchDate("2026-11-25", { end: true }).getTime(),
    new Date(2026, 10, 25, 23, 59, 59).getTime(),
  );
  assert.equal(
    parseSearchDate("2026-11-25T18:30").getTime(),
    new Date(2026, 10, 25, 18, 30).getTime(),
  );
  assert.equal(
    parseSearchDate("2026-11-25T18:30:00Z").toISOString(),
    "2026-11-25T18:30:00.000Z",
  );
  const now = new Date("2026-11-25T12:00:00Z");
  assert.equal(
    parseSearchDate("7d", { now }).toISOString(),
    "2026-11-18T12:00:00.000Z",
  );
  for (
    const bad of ["yesterday", "2026-13-01", "2026-02-30", "25.11.2026", "7y"]
  ) {
    assert.throws(() => parseSearchDate(bad), UsageError, bad);
  }
});
