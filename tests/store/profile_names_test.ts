import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import { readProfileNames } from "../../src/store/profile_names.ts";
import { fixture } from "../_support/env.ts";

Deno.test("readProfileNames() reads the account alias and buddy aliases Pidgin wrote", async () => {
  const names = await readProfileNames(fixture("purple"), "Alice@localhost");
  assert.equal(names.accountAlias, "Alice A");
  assert.equal(names.buddyAliases.get("bob@localhost"), "Bobby <B&B> Ü");
  assert.equal(names.buddyAliases.has("carol@localhost"), false);
});

Deno.test("readProfileNames() treats a missing profile as one without aliases", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const names = await readProfileNames(dir, "alice@localhost");
    assert.equal(names.accountAlias, undefined);
    assert.equal(names.buddyAliases.size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readProfileNames() rejects a malformed blist.xml with StoreError and leaves it untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "blist.xml"), "<purple><blist>");
    await assert.rejects(readProfileNames(dir, "alice@localhost"), StoreError);
    assert.equal(
      await Deno.readTextFile(join(dir, "blist.xml")),
      "<purple><blist>",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function blist(contacts: string): string {
  return `<?xml version='1.0' encoding='UTF-8' ?>
<purple version='1.0'><blist>
<group name='A'>${contacts}</group>
<group name='B'><contact><buddy account='alice@localhost/Finch' proto='prpl-jabber'><name>dup@localhost</name><alias>Second</alias></buddy></contact></group>
</blist></purple>`;
}

const BUDDY = (name: string, inner = "") =>
  `<buddy account='alice@localhost/Finch' proto='prpl-jabber'><name>${name}</name>${inner}</buddy>`;

Deno.test("ProfileNames.nameOf() follows libpurple: roster name, buddy alias, contact alias, server alias, JID", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "blist.xml"),
      blist(`
        <contact alias='Contact Bob'>${
        BUDDY("bob@localhost", "<alias>Buddy Bob</alias>")
      }</contact>
        <contact alias='Contact Carol'>${
        BUDDY(
          "carol@localhost",
          "<setting name='servernick' type='string'>Caz</setting>",
        )
      }</contact>
        <contact>${
        BUDDY(
          "dave@localhost",
          "<alias></alias><setting name='servernick' type='string'>Davy</setting>",
        )
      }</contact>
        <contact alias=''>${BUDDY("Erin@Localhost/phone")}</contact>
        <contact>${BUDDY("dup@localhost", "<alias>First</alias>")}</contact>`),
    );
    const names = await readProfileNames(dir, "alice@localhost");
    const cases: [string, string | undefined, string][] = [
      ["bob@localhost", undefined, "Buddy Bob"],
      ["bob@localhost", "Robert", "Robert"], // /alias bob Robert: the roster name wins
      ["bob@localhost", "", "Contact Bob"], // an empty roster name clears the alias
      ["carol@localhost", undefined, "Contact Carol"],
      ["dave@localhost", undefined, "Davy"],
      ["erin@localhost", undefined, "erin@localhost"],
      ["dup@localhost", undefined, "First"], // the first group that has it
      ["nobody@localhost", "Roster Name", "Roster Name"],
      ["nobody@localhost", undefined, "nobody@localhost"],
    ];
    for (const [jid, roster, want] of cases) {
      assert.equal(names.nameOf(jid, roster), want, `${jid} ${roster}`);
    }
    assert.equal(names.buddyAliases.get("bob@localhost"), "Buddy Bob");
    assert.deepEqual(names.buddies.get("carol@localhost"), {
      alias: undefined,
      contactAlias: "Contact Carol",
      serverAlias: "Caz",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ProfileNames.nameOf() names the fixture's buddies as Finch logged them", async () => {
  const names = await readProfileNames(fixture("purple"), "alice@localhost");
  assert.equal(names.nameOf("bob@localhost"), "Bobby <B&B> Ü");
  assert.equal(names.nameOf("carol@localhost"), "carol@localhost");
});
