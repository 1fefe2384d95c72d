import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openLogIndex } from "../../src/store/mod.ts";
import { hitKeys, searchAll, tempProfile } from "../_support/purple.ts";

const QUERIES = ["hello", "line", '"line two"', "日本", "alice -room"];

async function results(dir: string): Promise<string[][]> {
  using index = openLogIndex(dir);
  const out: string[][] = [];
  for (const q of QUERIES) out.push(hitKeys(await searchAll(index, q)));
  return out;
}

Deno.test("openLogIndex() gives the same results after the index is deleted", async () => {
  await using profile = await tempProfile();
  const before = await results(profile.dir);
  assert.ok(before.every((hits) => hits.length > 0));
  for (const f of ["search.sqlite", "search.sqlite-wal", "search.sqlite-shm"]) {
    await Deno.remove(join(profile.dir, "pidgin", f)).catch(() => {});
  }
  assert.deepEqual(await results(profile.dir), before);
});

Deno.test("openLogIndex() rebuilds a damaged index without being asked, with the same results", async (t) => {
  await using profile = await tempProfile();
  const before = await results(profile.dir);
  const path = join(profile.dir, "pidgin", "search.sqlite");
  const damages: [string, (bytes: Uint8Array) => Uint8Array][] = [
    ["garbage over the header", (b) => {
      b.set(
        new TextEncoder().encode("this is not a database at all".repeat(4)),
      );
      return b;
    }],
    ["garbage over every page after the first", (b) => {
      for (let i = 4096; i < b.length; i++) b[i] = (i * 7919) & 0xff;
      return b;
    }],
    ["cut to half a page", (b) => b.subarray(0, 2000)],
    [
      "only garbage",
      () => new TextEncoder().encode("\u0000garbage\n".repeat(1000)),
    ],
  ];
  for (const [name, damage] of damages) {
    await t.step(name, async () => {
      {
        using index = openLogIndex(profile.dir);
        await index.update(); // written and closed: the WAL is checkpointed
      }
      await Deno.remove(`${path}-wal`).catch(() => {});
      await Deno.remove(`${path}-shm`).catch(() => {});
      await Deno.writeFile(path, damage(await Deno.readFile(path)));
      assert.deepEqual(await results(profile.dir), before);
    });
  }
});

Deno.test("LogIndex.update() says it rebuilt a damaged index", async () => {
  await using profile = await tempProfile();
  using index = openLogIndex(profile.dir);
  await index.update();
  index.close();
  await Deno.writeFile(index.path, new TextEncoder().encode("x".repeat(8192)));
  assert.equal((await index.update()).rebuilt, "damaged");
  assert.equal((await index.update()).rebuilt, undefined);
});

Deno.test("openLogIndex() rebuilds an index of another schema version", async () => {
  await using profile = await tempProfile();
  const before = await results(profile.dir);
  const path = join(profile.dir, "pidgin", "search.sqlite");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA user_version = 999; DELETE FROM spans");
  db.close();
  using index = openLogIndex(profile.dir);
  assert.equal((await index.update()).rebuilt, "old-version");
  index.close();
  assert.deepEqual(await results(profile.dir), before);
});

Deno.test("openLogIndex() replaces a symbolic link where the index belongs", async () => {
  await using profile = await tempProfile();
  const outside = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(outside, "keep me");
    await Deno.mkdir(join(profile.dir, "pidgin"), { recursive: true });
    await Deno.symlink(outside, join(profile.dir, "pidgin", "search.sqlite"));
    assert.ok((await results(profile.dir))[0]!.length > 0);
    assert.equal(await Deno.readTextFile(outside), "keep me");
    assert.ok(
      (await Deno.lstat(join(profile.dir, "pidgin", "search.sqlite"))).isFile,
    );
  } finally {
    await Deno.remove(outside);
  }
});

Deno.test("LogIndex.update() passes over hostile files: binary, a 100 MB line, links, fifos", async () => {
  await using profile = await tempProfile();
  const bob = profile.conv("bob@localhost");
  // Binary garbage, with and without newlines.
  const noise = new Uint8Array(1 << 20);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  await Deno.writeFile(join(bob, "2026-11-26.100000+0100CET.txt"), noise);
  await Deno.writeFile(
    join(bob, "2026-11-26.100001+0100CET.html"),
    noise.map((b) => b === 10 ? 32 : b),
  );
  // A single line of 100 MB whose start holds a word.
  const huge = new Uint8Array(100 << 20).fill(0x61);
  huge.set(new TextEncoder().encode("(10:00:02) Bob: hugelinestart "));
  huge[huge.length - 1] = 0x0a;
  await Deno.writeFile(join(bob, "2026-11-26.100002+0100CET.txt"), huge);
  // Links to a log outside the profile, as a file and as a conversation folder.
  const outside = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(outside, "2026-11-26.100003+0100CET.txt"),
      "(10:00:03) Eve: linkedsecret\n",
    );
    await Deno.symlink(
      join(outside, "2026-11-26.100003+0100CET.txt"),
      join(bob, "2026-11-26.100003+0100CET.txt"),
    );
    await Deno.symlink(outside, profile.conv("eve@localhost"));
    await new Deno.Command("mkfifo", {
      args: [join(bob, "2026-11-26.100004+0100CET.txt")],
    }).output();
    using index = openLogIndex(profile.dir);
    await index.update();
    const hits = await searchAll(index, "hugelinestart");
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.truncated, true);
    assert.ok(hits[0]!.body.length <= 64 << 10);
    assert.equal(hits[0]!.length, 100 << 20);
    assert.deepEqual(await searchAll(index, "linkedsecret"), []);
    assert.ok((await searchAll(index, "hello")).length > 0);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});
