import assert from "node:assert/strict";
import {
  parseBlistXml,
  type RosterItem,
  serializeBlistXml,
} from "../../src/store/blist_xml.ts";
import { lineDiff } from "../_support/line_diff.ts";
import { FINCH, fixtureText } from "../_support/purple_files.ts";

const MIXED = fixtureText("purple-mixed/blist.xml");
const ALICE = "alice@example.org/Home";

/** The roster the hand-made blist.xml already matches (bob, carol, gone, dave). */
const SAME: RosterItem[] = [
  { jid: "bob@example.org", groups: ["Friends"], subscription: "both" },
  { jid: "carol@example.org", groups: ["Friends"], subscription: "both" },
  { jid: "gone@example.org", groups: ["Old friends"], subscription: "both" },
  { jid: "dave@example.org", groups: [], subscription: "both" },
];

function merged(items: RosterItem[], text = MIXED) {
  const doc = parseBlistXml(text);
  const result = doc.mergeRoster(ALICE, items);
  const out = serializeBlistXml(doc);
  return {
    result,
    text: out,
    doc: parseBlistXml(out),
    diff: lineDiff(text, out),
  };
}

Deno.test("BlistXml.mergeRoster() with the roster the file has only stores the subscriptions", () => {
  const { result, diff, text } = merged(SAME);
  assert.deepEqual(result, { added: 0, moved: 0, removed: 0, updated: 4 });
  assert.deepEqual(diff.removed, []);
  assert.deepEqual(
    diff.added,
    new Array(4).fill(
      "\t\t\t\t\t<setting name='pidgin-subscription' type='string'>both</setting>",
    ),
  );
  const again = parseBlistXml(text);
  assert.deepEqual(again.mergeRoster(ALICE, SAME), {
    added: 0,
    moved: 0,
    removed: 0,
    updated: 0,
  });
  assert.equal(
    serializeBlistXml(again),
    text,
    "a second merge changes nothing",
  );
});

Deno.test("BlistXml.mergeRoster() removes the account's buddies the server no longer has, and only those", () => {
  const { result, doc } = merged(
    SAME.filter((i) =>
      i.jid !== "gone@example.org" && i.jid !== "bob@example.org"
    ),
  );
  assert.equal(result.removed, 2);
  assert.deepEqual(doc.xmppBuddies(ALICE).map((b) => b.jid), [
    "carol@example.org",
    "dave@example.org",
  ]);
  // The contact of bob stays for his IRC buddy, with its alias and setting.
  const irc = doc.buddies.find((b) => b.proto === "prpl-irc");
  assert.equal(irc?.contactAlias, "Bob (all accounts)");
  assert.deepEqual(
    doc.buddies.filter((b) => b.proto !== "prpl-jabber" || b.account !== ALICE)
      .map((b) => b.name),
    [
      "bob",
      "boss@corp.example",
      "bob@example.org", // prpl-aim, same name
    ],
  );
  assert.equal(doc.chats.length, 1);
  assert.deepEqual(
    doc.groups,
    ["Friends", "Old friends", "Buddies", "Chats"],
    "emptied groups stay, as in libpurple",
  );
});

Deno.test("BlistXml.mergeRoster() adds new buddies in their groups, a new group at the top", () => {
  const { result, text, diff } = merged([
    ...SAME,
    {
      jid: "erin@example.org",
      name: "Erin",
      groups: ["Friends"],
      subscription: "to",
      pending: true,
    },
    { jid: "frank@example.org", groups: ["Family"], subscription: "none" },
  ]);
  assert.equal(result.added, 2);
  assert.deepEqual(diff.removed, []);
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(3, 12), [
    "\t<blist>",
    "\t\t<group name='Family'>",
    "\t\t\t<contact>",
    "\t\t\t\t<buddy account='alice@example.org/Home' proto='prpl-jabber'>",
    "\t\t\t\t\t<name>frank@example.org</name>",
    "\t\t\t\t\t<setting name='pidgin-subscription' type='string'>none</setting>",
    "\t\t\t\t</buddy>",
    "\t\t\t</contact>",
    "\t\t</group>",
  ]);
  const erin = text.indexOf("<name>erin@example.org</name>");
  assert.ok(
    erin > text.indexOf("The Boss") &&
      erin < text.indexOf("<group name='Old friends'>"),
  );
  assert.ok(text.includes(
    "\t\t\t\t\t<name>erin@example.org</name>\n\t\t\t\t\t<alias>Erin</alias>\n" +
      "\t\t\t\t\t<setting name='pidgin-subscription' type='string'>to</setting>\n" +
      "\t\t\t\t\t<setting name='pidgin-pending' type='bool'>1</setting>\n",
  ));
});

Deno.test("BlistXml.mergeRoster() moves a buddy whose group changed with its contact, alias and settings", () => {
  const { result, doc, text } = merged([
    { jid: "carol@example.org", groups: ["Work"], subscription: "both" },
    { jid: "bob@example.org", groups: ["Old Friends"], subscription: "both" },
    ...SAME.slice(2),
  ]);
  assert.deepEqual(result, { added: 0, moved: 2, removed: 0, updated: 2 });
  const buddies = doc.xmppBuddies(ALICE);
  const carol = buddies.find((b) => b.jid === "carol@example.org")!;
  assert.deepEqual(carol.groups, ["Work"]);
  assert.equal(carol.settings.get("future-setting")?.value, "kept as it is");
  // bob shares his contact with an IRC buddy: he moves alone, to the group
  // named "Old friends" (group names match without case).
  const bob = buddies.find((b) => b.jid === "bob@example.org")!;
  assert.deepEqual(bob.groups, ["Old friends"]);
  assert.equal(bob.alias, "Bobby");
  assert.equal(bob.serverAlias, "Bob B.");
  assert.equal(
    doc.buddies.find((b) => b.proto === "prpl-irc")?.group,
    "Friends",
  );
  assert.equal(text.match(/<group name='Work'>/g)?.length, 1);
});

Deno.test("BlistXml.mergeRoster() puts a buddy in every group of its item, and takes aliases as libpurple does", () => {
  const { doc } = merged([
    {
      jid: "bob@example.org",
      name: "Robert",
      groups: ["Friends", "Family", "friends"],
      subscription: "both",
    },
    {
      jid: "carol@example.org",
      name: "",
      groups: ["Friends"],
      subscription: "from",
    },
    { jid: "gone@example.org", groups: ["Old friends"], subscription: "both" },
    { jid: "dave@example.org", groups: [], subscription: "both" },
  ]);
  const [bob, carol, gone] = doc.xmppBuddies(ALICE);
  assert.deepEqual(bob?.groups.sort(), ["Family", "Friends"]);
  assert.deepEqual(
    doc.buddies.filter((b) =>
      b.name === "bob@example.org" && b.proto === "prpl-jabber"
    ).map((b) => b.alias),
    ["Robert", "Robert"],
    "the roster name is the alias in every group",
  );
  assert.equal(
    carol?.alias,
    undefined,
    "an empty roster name clears the alias",
  );
  assert.equal(carol?.subscription, "from");
  assert.equal(gone?.alias, undefined);
  const dave = doc.xmppBuddies(ALICE).find((b) => b.jid === "dave@example.org");
  assert.deepEqual(dave?.groups, ["Buddies"], "no group: stays where it is");
});

Deno.test("BlistXml.mergeRoster() keeps the local alias when the roster has no name, and clears pending", () => {
  const first = merged([{
    jid: "bob@example.org",
    groups: ["Friends"],
    subscription: "none",
    pending: true,
  }]);
  assert.equal(first.doc.xmppBuddies(ALICE)[0]?.alias, "Bobby");
  assert.equal(first.doc.xmppBuddies(ALICE)[0]?.pending, true);
  const second = merged([{
    jid: "bob@example.org",
    groups: ["Friends"],
    subscription: "to",
  }], first.text);
  assert.deepEqual(second.diff, {
    removed: [
      "\t\t\t\t\t<setting name='pidgin-subscription' type='string'>none</setting>",
      "\t\t\t\t\t<setting name='pidgin-pending' type='bool'>1</setting>",
    ],
    added: [
      "\t\t\t\t\t<setting name='pidgin-subscription' type='string'>to</setting>",
    ],
  });
});

Deno.test("BlistXml.mergeRoster() leaves other accounts, protocols, chats, privacy and unknown elements byte for byte", () => {
  const { text } = merged([]);
  const keep = [
    "<buddy account='alice@irc.libera.chat' proto='prpl-irc'>",
    "<name>boss@corp.example</name>",
    "<buddy account='alice1984' proto='prpl-aim'>",
    "<!-- a comment pidgin keeps -->",
    "<setting name='contact-setting' type='string'>kept</setting>",
    "<setting name='gtk-autojoin' type='bool'>1</setting>",
    "<block>spam@example.org</block>",
    "<future-section keep='yes'/>",
  ];
  for (const line of keep) assert.ok(text.includes(line), line);
  assert.equal(
    text.slice(text.indexOf("\t<privacy>")),
    MIXED.slice(MIXED.indexOf("\t<privacy>")),
  );
  assert.equal(parseBlistXml(text).xmppBuddies(ALICE).length, 0);
});

Deno.test("BlistXml.mergeRoster() into a missing blist.xml writes libpurple's layout", () => {
  const { text } = merged(
    [{
      jid: "bob@localhost",
      name: "Bobby <B&B> Ü",
      groups: ["Friends & Co"],
      subscription: "both",
    }],
    "",
  );
  assert.equal(
    text,
    `<?xml version='1.0' encoding='UTF-8' ?>

<purple version='1.0'>
	<blist>
		<group name='Friends &amp; Co'>
			<contact>
				<buddy account='alice@example.org/Home' proto='prpl-jabber'>
					<name>bob@localhost</name>
					<alias>Bobby &lt;B&amp;B&gt; Ü</alias>
					<setting name='pidgin-subscription' type='string'>both</setting>
				</buddy>
			</contact>
		</group>
	</blist>
	<privacy/>
</purple>
`,
  );
  const finch = Deno.readTextFileSync(`${FINCH}/purple-home/blist.xml`);
  assert.ok(
    finch.includes("\t\t\t\t\t<alias>Bobby &lt;B&amp;B&gt; Ü</alias>\n"),
  );
});

Deno.test("BlistXml.mergeRoster() stores tabs and line breaks of group names as spaces, as Pidgin will read them back", () => {
  const items: RosterItem[] = [
    {
      jid: "bob@example.org",
      groups: ["Two\nLines\tand tab"],
      subscription: "both",
    },
  ];
  const first = merged(items);
  assert.deepEqual(first.doc.xmppBuddies(ALICE)[0]?.groups, [
    "Two Lines and tab",
  ]);
  assert.ok(first.text.includes("<group name='Two Lines and tab'>"));
  const second = merged(items, first.text);
  assert.deepEqual(second.result, {
    added: 0,
    moved: 0,
    removed: 0,
    updated: 0,
  });
});

Deno.test("BlistXml.mergeRoster() skips a roster item without a JID", () => {
  const { doc } = merged([...SAME, {
    jid: "",
    groups: ["X"],
    subscription: "both",
  }]);
  assert.equal(doc.xmppBuddies(ALICE).length, 4);
  assert.equal(doc.groups.includes("X"), false);
});
