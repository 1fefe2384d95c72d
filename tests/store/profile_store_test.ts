import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import {
  BACKUP_SUFFIX,
  readAccounts,
  readBuddyList,
  updateAccounts,
  updateBuddyList,
} from "../../src/store/profile_store.ts";
import { fixtureText, tempProfile } from "../_support/purple_files.ts";

const ACCOUNTS = fixtureText("purple/accounts.xml");
const BLIST = fixtureText("purple/blist.xml");
const STORE_MODULE =
  new URL("../../src/store/profile_store.ts", import.meta.url).href;

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("readAccounts() and readBuddyList() take missing files as empty", async () => {
  await using dir = await tempProfile();
  assert.deepEqual((await readAccounts(dir.path)).xmppAccounts, []);
  assert.deepEqual((await readBuddyList(dir.path)).buddies, []);
  assert.deepEqual(names(dir.path), [], "reading creates nothing");
});

Deno.test("readAccounts() reads the profile's accounts.xml", async () => {
  await using dir = await tempProfile({
    "accounts.xml": ACCOUNTS,
    "blist.xml": BLIST,
  });
  assert.equal(
    (await readAccounts(dir.path)).find("alice@localhost")?.alias,
    "Alice A",
  );
  assert.deepEqual((await readBuddyList(dir.path)).groups, [
    "Chats",
    "Coworkers",
    "Friends & Co",
  ]);
});

Deno.test("updateAccounts() writes atomically, owner-only, and keeps the previous file as the backup", async () => {
  await using dir = await tempProfile({ "accounts.xml": ACCOUNTS });
  const file = join(dir.path, "accounts.xml");
  await Deno.chmod(file, 0o644);
  const result = await updateAccounts(
    dir.path,
    (doc) => doc.setPassword("alice@localhost", "n3w"),
  );
  assert.equal(result, true);
  assert.equal(
    (await readAccounts(dir.path)).find("alice@localhost")?.password,
    "n3w",
  );
  assert.equal(Deno.statSync(file).mode! & 0o777, 0o600);
  assert.equal(await Deno.readTextFile(file + BACKUP_SUFFIX), ACCOUNTS);
  assert.equal(Deno.statSync(file + BACKUP_SUFFIX).mode! & 0o777, 0o600);
  assert.deepEqual(names(dir.path), [
    "accounts.xml",
    "accounts.xml.pidgin-bak",
    "pidgin",
  ]);
  assert.deepEqual(names(join(dir.path, "pidgin")), ["accounts.xml.lock"]);
  // The next rewrite keeps the version before it.
  const before = await Deno.readTextFile(file);
  await updateAccounts(dir.path, (doc) => doc.setAlias("alice@localhost", "A"));
  assert.equal(await Deno.readTextFile(file + BACKUP_SUFFIX), before);
});

Deno.test("updateAccounts() and updateBuddyList() write nothing when the edit changes nothing", async () => {
  await using dir = await tempProfile({
    "accounts.xml": ACCOUNTS,
    "blist.xml": BLIST,
  });
  const before = Deno.statSync(join(dir.path, "blist.xml"));
  await updateAccounts(
    dir.path,
    (doc) => doc.setAlias("alice@localhost", "Alice A"),
  );
  await updateBuddyList(
    dir.path,
    (doc) =>
      doc.setBuddyAlias(
        { account: "alice@localhost", jid: "bob@localhost" },
        "Bobby <B&B> Ü",
      ),
  );
  assert.equal(Deno.statSync(join(dir.path, "blist.xml")).ino, before.ino);
  assert.equal(names(dir.path).some((n) => n.endsWith(BACKUP_SUFFIX)), false);
});

Deno.test("updateBuddyList() creates a missing blist.xml", async () => {
  await using dir = await tempProfile();
  await updateBuddyList(
    dir.path,
    (doc) =>
      doc.mergeRoster("alice@localhost/Finch", [{
        jid: "bob@localhost",
        groups: ["G"],
        subscription: "both",
      }]),
  );
  const doc = await readBuddyList(dir.path);
  assert.deepEqual(
    doc.xmppBuddies("alice@localhost").map((b) => [b.jid, b.groups]),
    [["bob@localhost", ["G"]]],
  );
  assert.deepEqual(
    names(dir.path),
    ["blist.xml", "pidgin"],
    "no backup of a file that was not there",
  );
});

Deno.test("updateAccounts() never overwrites a file it cannot parse", async (t) => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    [
      "not well-formed",
      "<?xml version='1.0' ?>\n<account version='1.0'>\n\t<account>\n</account>",
      /accounts\.xml": line 4: not well-formed XML/,
    ],
    [
      "not an accounts.xml",
      "<purple version='1.0'/>",
      /accounts\.xml": line 1: not an accounts\.xml/,
    ],
    [
      "not UTF-8",
      new Uint8Array([0x3c, 0x61, 0xff, 0x3e]),
      /accounts\.xml": not UTF-8 text$/,
    ],
  ];
  for (const [name, content, message] of cases) {
    await t.step(name, async () => {
      await using dir = await tempProfile();
      const file = join(dir.path, "accounts.xml");
      if (typeof content === "string") await Deno.writeTextFile(file, content);
      else await Deno.writeFile(file, content);
      const bytes = await Deno.readFile(file);
      let called = false;
      for (
        const run of [
          () => readAccounts(dir.path),
          () => updateAccounts(dir.path, () => (called = true)),
        ]
      ) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.match(err.message, /^Cannot read Pidgin accounts "/);
          assert.match(err.message, message);
          assert.match(err.hint ?? "", /does not change a file it cannot read/);
          return true;
        });
      }
      assert.equal(called, false);
      assert.deepEqual(await Deno.readFile(file), bytes);
      assert.deepEqual(
        names(dir.path).filter((n) => n !== "pidgin"),
        ["accounts.xml"],
      );
    });
  }
});

Deno.test("updateBuddyList() leaves the file as it was when the edit throws", async () => {
  await using dir = await tempProfile({ "blist.xml": BLIST });
  await assert.rejects(
    updateBuddyList(dir.path, (doc) => {
      doc.removeBuddy({ account: "alice@localhost", jid: "bob@localhost" });
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(await Deno.readTextFile(join(dir.path, "blist.xml")), BLIST);
});

Deno.test("updateAccounts() starts again from the new file when another program replaced it meanwhile", async () => {
  await using dir = await tempProfile({ "accounts.xml": ACCOUNTS });
  const file = join(dir.path, "accounts.xml");
  let runs = 0;
  await updateAccounts(dir.path, async (doc) => {
    if (runs++ === 0) {
      // Pidgin rewrites the file (temp + rename) while we edit.
      await Deno.writeTextFile(
        `${file}.save`,
        ACCOUNTS.replace("Alice A", "Changed by Pidgin"),
      );
      await Deno.rename(`${file}.save`, file);
    }
    doc.setEnabled("alice@localhost", false);
  });
  assert.equal(runs, 2);
  const alice = (await readAccounts(dir.path)).find("alice@localhost");
  assert.equal(alice?.alias, "Changed by Pidgin", "Pidgin's change is kept");
  assert.equal(alice?.enabled, false, "and ours is made");
  assert.match(
    await Deno.readTextFile(file + BACKUP_SUFFIX),
    /Changed by Pidgin/,
  );
});

Deno.test("updateAccounts() and updateBuddyList() lose no update when several processes change the files at once", async () => {
  await using dir = await tempProfile({
    "accounts.xml": ACCOUNTS,
    "blist.xml": BLIST,
  });
  const script = (n: number) => `
    import { updateAccounts, updateBuddyList } from ${
    JSON.stringify(STORE_MODULE)
  };
    const dir = ${JSON.stringify(dir.path)};
    for (let i = 0; i < 5; i++) {
      await updateAccounts(dir, (doc) => doc.addXmppAccount({ jid: "p${n}-" + i + "@example.org" }));
      await updateBuddyList(dir, (doc) => doc.addBuddy({ account: "alice@localhost/Finch", jid: "b${n}-" + i + "@example.org" }));
    }`;
  const runs = Array.from(
    { length: 4 },
    (_, n) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", script(n)],
        stdout: "null",
        stderr: "piped",
      }).output(),
  );
  for (const out of await Promise.all(runs)) {
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  }
  const accounts = (await readAccounts(dir.path)).xmppAccounts.map((a) =>
    a.jid
  );
  assert.equal(accounts.length, 21);
  assert.equal(accounts[0], "alice@localhost");
  const buddies = (await readBuddyList(dir.path)).xmppBuddies(
    "alice@localhost",
  );
  assert.equal(buddies.length, 22);
  assert.equal(names(dir.path).filter((n) => n.endsWith(".tmp")).length, 0);
});

Deno.test("readAccounts() and updateAccounts() follow a symbolic link only inside the profile", async (t) => {
  await t.step("outside: refused, the target untouched", async () => {
    await using outside = await tempProfile({ "accounts.xml": ACCOUNTS });
    await using dir = await tempProfile();
    await Deno.symlink(
      join(outside.path, "accounts.xml"),
      join(dir.path, "accounts.xml"),
    );
    for (
      const run of [
        () => readAccounts(dir.path),
        () =>
          updateAccounts(dir.path, (d) => d.setAlias("alice@localhost", "x")),
      ]
    ) {
      await assert.rejects(run(), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.match(
          err.message,
          /is a symbolic link to ".*", outside the profile$/,
        );
        return true;
      });
    }
    assert.equal(
      await Deno.readTextFile(join(outside.path, "accounts.xml")),
      ACCOUNTS,
    );
  });
  await t.step(
    "inside: the file it points at is changed, the link stays",
    async () => {
      await using dir = await tempProfile();
      await Deno.mkdir(join(dir.path, "sync"));
      await Deno.writeTextFile(
        join(dir.path, "sync", "accounts.xml"),
        ACCOUNTS,
      );
      await Deno.symlink("sync/accounts.xml", join(dir.path, "accounts.xml"));
      await updateAccounts(
        dir.path,
        (d) => d.setAlias("alice@localhost", "Linked"),
      );
      assert.equal(
        Deno.lstatSync(join(dir.path, "accounts.xml")).isSymlink,
        true,
      );
      assert.equal(
        (await readAccounts(dir.path)).find("alice@localhost")?.alias,
        "Linked",
      );
    },
  );
  await t.step("a directory is not a file", async () => {
    await using dir = await tempProfile();
    await Deno.mkdir(join(dir.path, "blist.xml"));
    await assert.rejects(
      readBuddyList(dir.path),
      /blist\.xml": it is not a regular file/,
    );
  });
});
