import assert from "node:assert/strict";
import {
  type BlistXml,
  parseBlistXml,
  serializeBlistXml,
} from "../../src/store/blist_xml.ts";
import { ProfileSyntaxError } from "../../src/store/accounts_xml.ts";
import { lineDiff } from "../_support/line_diff.ts";
import { FINCH, finchFiles, fixtureText } from "../_support/purple_files.ts";

const MIXED = fixtureText("purple-mixed/blist.xml");
const FINCH_BLIST = Deno.readTextFileSync(`${FINCH}/purple-home/blist.xml`);
const ALICE = "alice@example.org/Home";

function edited(edit: (doc: BlistXml) => unknown) {
  const doc = parseBlistXml(MIXED);
  edit(doc);
  const text = serializeBlistXml(doc);
  parseBlistXml(text);
  return lineDiff(MIXED, text);
}

Deno.test("parseBlistXml() and serializeBlistXml() give back every Finch blist.xml byte for byte", () => {
  for (const file of finchFiles("blist.xml")) {
    const text = Deno.readTextFileSync(file);
    assert.equal(serializeBlistXml(parseBlistXml(text)), text, file);
  }
  assert.equal(serializeBlistXml(parseBlistXml(MIXED)), MIXED);
  assert.equal(serializeBlistXml(parseBlistXml("")), "");
});

Deno.test("parseBlistXml() reads Finch's groups, buddies and chat as libpurple does", () => {
  const doc = parseBlistXml(FINCH_BLIST);
  assert.deepEqual(doc.groups, ["Chats", "Coworkers", "Friends & Co"]);
  assert.deepEqual(
    doc.buddies.map((b) => [b.account, b.proto, b.name, b.alias, b.group]),
    [
      [
        "alice@localhost/Finch",
        "prpl-jabber",
        "carol@localhost",
        undefined,
        "Coworkers",
      ],
      [
        "alice@localhost/Finch",
        "prpl-jabber",
        "bob@localhost",
        "Bobby <B&B> Ü",
        "Friends & Co",
      ],
    ],
  );
  assert.deepEqual(doc.buddies[0]?.settings.get("last_seen"), {
    type: "int",
    value: 1795627548,
  });
  const [chat] = doc.chats;
  assert.equal(chat?.alias, "Test Room");
  assert.equal(chat?.group, "Chats");
  assert.deepEqual([...chat!.components], [
    ["handle", "alice"],
    ["server", "conference.localhost"],
    ["room", "testroom"],
  ]);
  assert.equal(chat?.settings.get("gnt-autojoin")?.value, true);
});

Deno.test("BlistXml.xmppBuddies() gives one entry per JID of one account", () => {
  const doc = parseBlistXml(MIXED);
  assert.deepEqual(
    doc.xmppBuddies("alice@example.org").map((b) => [b.jid, b.groups]),
    [
      ["bob@example.org", ["Friends"]],
      ["carol@example.org", ["Friends"]],
      ["gone@example.org", ["Old friends"]],
      ["dave@example.org", ["Buddies"]], // a group without a name is "Buddies"
    ],
  );
  const [bob] = doc.xmppBuddies("ALICE@example.org/Elsewhere");
  assert.equal(bob?.alias, "Bobby");
  assert.equal(bob?.contactAlias, "Bob (all accounts)");
  assert.equal(bob?.serverAlias, "Bob B.");
  assert.equal(bob?.subscription, undefined);
  assert.equal(bob?.pending, false);
  assert.deepEqual(doc.xmppBuddies("work@corp.example").map((b) => b.jid), [
    "boss@corp.example",
  ]);
});

Deno.test("parseBlistXml() reads settings as blist.c does", () => {
  const doc = parseBlistXml(
    `<purple><blist><group name='G'><contact><buddy account='a@b' proto='prpl-jabber'>
    <name>c@d</name>
    <setting name='untyped'>text</setting><setting name='flag' type='bool'>true</setting>
    <setting name='n' type='int'>12abc</setting><setting name='empty' type='string'></setting>
    <setting name='x' type='string'>first</setting><setting name='x' type='string'>last</setting>
  </buddy></contact></group><group name=''/></blist></purple>`,
  );
  const [buddy] = doc.buddies;
  assert.deepEqual(Object.fromEntries(buddy!.settings), {
    untyped: { type: "string", value: "text" },
    flag: { type: "bool", value: false }, // atoi("true") is 0
    n: { type: "int", value: 12 },
    x: { type: "string", value: "last" },
  });
  assert.deepEqual(doc.groups, ["G"], "a group named '' is not loaded");
});

Deno.test("parseBlistXml() throws ProfileSyntaxError with the line for what is not a blist.xml", () => {
  for (
    const [text, line] of [
      ["<purple>\n<blist>\n", 3],
      ["<?xml version='1.0'?>\n<account version='1.0'/>", 2],
      ["<!DOCTYPE purple>\n<purple/>", 1],
    ] as const
  ) {
    assert.throws(() => parseBlistXml(text), (err: unknown) => {
      assert.ok(err instanceof ProfileSyntaxError);
      assert.equal(err.line, line, text);
      return true;
    });
  }
});

Deno.test("BlistXml.setBuddyAlias() changes the alias line of that buddy only", () => {
  assert.deepEqual(
    edited((d) =>
      d.setBuddyAlias({ account: ALICE, jid: "bob@example.org" }, "Rob & Co")
    ),
    {
      removed: ["\t\t\t\t\t<alias>Bobby</alias>"],
      added: ["\t\t\t\t\t<alias>Rob &amp; Co</alias>"],
    },
  );
  assert.deepEqual(
    edited((d) =>
      d.setBuddyAlias({ account: ALICE, jid: "carol@example.org" }, "Caz")
    ),
    {
      removed: [],
      added: ["\t\t\t\t\t<alias>Caz</alias>"],
    },
  );
  assert.deepEqual(
    edited((d) =>
      d.setBuddyAlias({ account: ALICE, jid: "bob@example.org" }, undefined)
    ),
    {
      removed: ["\t\t\t\t\t<alias>Bobby</alias>"],
      added: [],
    },
  );
  const doc = parseBlistXml(MIXED);
  assert.equal(
    doc.setBuddyAlias({ account: ALICE, jid: "nobody@example.org" }, "x"),
    false,
  );
  assert.equal(
    doc.setBuddyAlias({ account: "alice1984", jid: "bob@example.org" }, "x"),
    false,
    "only XMPP buddies",
  );
  assert.equal(serializeBlistXml(doc), MIXED);
});

Deno.test("BlistXml.addBuddy() adds a contact at the end of its group as libpurple writes one", () => {
  assert.deepEqual(
    edited((d) =>
      d.addBuddy({ account: ALICE, jid: "erin@example.org", group: "Chats" })
    ),
    {
      removed: [],
      added: [
        "\t\t\t<contact>",
        "\t\t\t\t<buddy account='alice@example.org/Home' proto='prpl-jabber'>",
        "\t\t\t\t\t<name>erin@example.org</name>",
        "\t\t\t\t</buddy>",
        "\t\t\t</contact>",
      ],
    },
  );
  const doc = parseBlistXml(MIXED);
  assert.equal(
    doc.addBuddy({ account: ALICE, jid: "bob@example.org", group: "friends" }),
    false,
  );
  // Finch wrote the same lines for carol and bob.
  const empty = parseBlistXml(
    fixtureText("purple-finch/stages/0-after-account-creation/blist.xml"),
  );
  empty.addBuddy({
    account: "alice@localhost/Finch",
    jid: "bob@localhost",
    alias: "Bobby <B&B> Ü",
    group: "Friends & Co",
  });
  const finch = FINCH_BLIST.split("\n");
  for (const line of serializeBlistXml(empty).split("\n")) {
    assert.ok(finch.includes(line), `libpurple writes ${JSON.stringify(line)}`);
  }
});

Deno.test("BlistXml.removeBuddy() removes the buddy, and its contact when left empty", () => {
  assert.deepEqual(
    edited((d) => d.removeBuddy({ account: ALICE, jid: "carol@example.org" })),
    {
      removed: [
        "\t\t\t<contact>",
        "\t\t\t\t<buddy account='alice@example.org/Home' proto='prpl-jabber'>",
        "\t\t\t\t\t<name>carol@example.org</name>",
        "\t\t\t\t\t<setting name='future-setting' type='string'>kept as it is</setting>",
        "\t\t\t\t</buddy>",
        "\t\t\t</contact>",
      ],
      added: [],
    },
  );
  const diff = edited((d) =>
    d.removeBuddy({ account: ALICE, jid: "bob@example.org" })
  );
  assert.deepEqual(diff.added, []);
  assert.equal(diff.removed.length, 6, "the contact stays for the IRC buddy");
  assert.ok(diff.removed.includes("\t\t\t\t\t<name>bob@example.org</name>"));
  const single = parseBlistXml(
    fixtureText("purple-finch/stages/1-txt-run-enUS-Berlin/blist.xml"),
  );
  single.removeBuddy({ account: "alice@localhost", jid: "bob@localhost" });
  assert.match(
    serializeBlistXml(single),
    /\t\t<group name='Friends &amp; Co'>\n\t\t\t<setting name='collapsed' type='bool'>0<\/setting>\n\t\t<\/group>/,
  );
});

Deno.test("BlistXml.setBuddySetting() adds, changes and removes one setting line", () => {
  const bob = { account: ALICE, jid: "Bob@example.org" };
  assert.deepEqual(
    edited((d) => d.setBuddySetting(bob, { name: "pidgin-x", value: 7 })),
    {
      removed: [],
      added: ["\t\t\t\t\t<setting name='pidgin-x' type='int'>7</setting>"],
    },
  );
  assert.deepEqual(
    edited((d) =>
      d.setBuddySetting(bob, { name: "last_seen", value: undefined })
    ),
    {
      removed: [
        "\t\t\t\t\t<setting name='last_seen' type='int'>1795627548</setting>",
      ],
      added: [],
    },
  );
  assert.equal(
    parseBlistXml(MIXED).setBuddySetting({ account: ALICE, jid: "x@y" }, {
      name: "a",
      value: true,
    }),
    false,
  );
});
