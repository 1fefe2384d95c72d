import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../_support/run_cli.ts";
import { tempProfile } from "../_support/purple.ts";

function env(dir: string): Record<string, string> {
  return { PURPLE_HOME: dir, TZ: "UTC" };
}

Deno.test("pidgin search prints one hit a line, newest first, continuation lines indented, without an account", async () => {
  await using profile = await tempProfile();
  const out = await runCli(["search", "line", "two"], {
    env: env(profile.dir),
    cwd: profile.dir,
  });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(
    out.stdout,
    "2026-11-25 17:21:39  bob@localhost  Bobby <B&B> Ü: Line one\n    Line two\n      indented line three\n" +
      "2026-11-25 17:18:17  bob@localhost  Bobby <B&B> Ü: Line one\n    Line two\n      indented line three\n",
  );
  assert.equal(out.stderr, "");
});

Deno.test("pidgin search --json gives every field, and --before pages on from where --limit stopped", async () => {
  await using profile = await tempProfile();
  const first = await runCli(["search", "--limit", "2", "hello"], {
    env: env(profile.dir),
    cwd: profile.dir,
  });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.trim().split("\n").length, 2);
  const cursor = /--before (\d+)/.exec(first.stderr)?.[1];
  assert.ok(cursor, first.stderr);
  const json = await runCli([
    "search",
    "--json",
    "--before",
    cursor,
    "--room",
    "hello",
  ], { env: env(profile.dir), cwd: profile.dir });
  assert.equal(json.code, 0, json.stderr);
  const data = JSON.parse(json.stdout);
  assert.ok(data.hits.length > 0);
  assert.ok(
    data.hits.every((h: { id: string }) => BigInt(h.id) < BigInt(cursor)),
  );
  assert.deepEqual(Object.keys(data.hits[0]).sort(), [
    "account",
    "body",
    "conversation",
    "file",
    "id",
    "kind",
    "length",
    "matches",
    "offset",
    "room",
    "sender",
    "text",
    "time",
    "truncated",
  ]);
  assert.equal(data.hits[0].room, true);
  assert.equal(data.next, null);
});

Deno.test("pidgin search exits 2 for a query or a flag it cannot use, with one line", async (t) => {
  await using profile = await tempProfile();
  for (
    const args of [
      ["search", '"unclosed'],
      ["search", "--since", "someday", "x"],
      ["search", "--limit", "0", "x"],
      ["search", "--contact", "nobody", "x"],
      ["search"],
    ]
  ) {
    await t.step(args.join(" "), async () => {
      const out = await runCli(args, {
        env: env(profile.dir),
        cwd: profile.dir,
      });
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, /^pidgin: [^\n]+\n(hint: [^\n]+\n)?$/);
    });
  }
});

Deno.test("pidgin search exits 3 when the index cannot be kept in the profile", async () => {
  await using profile = await tempProfile();
  await Deno.writeTextFile(
    join(profile.dir, "pidgin"),
    "a file where a folder belongs",
  );
  const out = await runCli(["search", "hello"], {
    env: env(profile.dir),
    cwd: profile.dir,
  });
  assert.equal(out.code, 3, out.stderr);
  assert.match(out.stderr, /^pidgin: Cannot /);
});

Deno.test("pidgin search prints no terminal escape sequences from the logs, and says when nothing is found", async () => {
  await using profile = await tempProfile();
  await Deno.writeTextFile(
    join(profile.conv("bob@localhost"), "2026-11-26.120000+0000UTC.txt"),
    "(12:00:00) Bob\x1b[31m: evilword \x1b]0;title\x07here\n",
  );
  const out = await runCli(["search", "evilword"], {
    env: env(profile.dir),
    cwd: profile.dir,
  });
  assert.equal(out.code, 0, out.stderr);
  assert.ok(out.stdout.includes("evilword"));
  // deno-lint-ignore no-control-regex
  assert.equal(/[\x00-\x08\x0b-\x1f\x7f]/.test(out.stdout), false);
  const none = await runCli(["search", "nothinglikethis"], {
    env: env(profile.dir),
    cwd: profile.dir,
  });
  assert.equal(none.code, 0);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /No messages found/);
});
