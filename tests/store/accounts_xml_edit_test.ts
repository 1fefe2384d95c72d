import assert from "node:assert/strict";
import {
  type AccountsXml,
  parseAccountsXml,
  PIDGIN_CLI_UI,
  serializeAccountsXml,
} from "../../src/store/accounts_xml.ts";
import { lineDiff } from "../_support/line_diff.ts";
import { FINCH, fixtureText } from "../_support/purple_files.ts";

const MIXED = fixtureText("purple-mixed/accounts.xml");

/** Applies `edit` to the hand-made profile and returns the lines it removed and added. */
function edited(edit: (doc: AccountsXml) => unknown) {
  const doc = parseAccountsXml(MIXED);
  edit(doc);
  const text = serializeAccountsXml(doc);
  parseAccountsXml(text); // still an accounts.xml
  return lineDiff(MIXED, text);
}

Deno.test("AccountsXml.addXmppAccount() writes a new account as libpurple lays one out", () => {
  const doc = parseAccountsXml("");
  const added = doc.addXmppAccount({
    jid: "alice@localhost/Finch",
    password: "alicepass",
    alias: "Alice A",
    connectServer: "127.0.0.1",
    port: 15322,
  });
  assert.equal(added?.enabled, true);
  assert.equal(added?.enabledBy, PIDGIN_CLI_UI);
  const text = serializeAccountsXml(doc);
  assert.equal(
    text,
    `<?xml version='1.0' encoding='UTF-8' ?>

<account version='1.0'>
	<account>
		<protocol>prpl-jabber</protocol>
		<name>alice@localhost/Finch</name>
		<password>alicepass</password>
		<alias>Alice A</alias>
		<settings>
			<setting name='connect_server' type='string'>127.0.0.1</setting>
			<setting name='port' type='int'>15322</setting>
		</settings>
		<settings ui='pidgin-cli'>
			<setting name='auto-login' type='bool'>1</setting>
		</settings>
		<current_error/>
	</account>
</account>
`,
  );
  // Line for line what Finch wrote when it created the same account.
  const finch = Deno.readTextFileSync(
    `${FINCH}/stages/0-after-account-creation/accounts.xml`,
  ).split("\n");
  for (const line of text.split("\n")) {
    if (line.includes(PIDGIN_CLI_UI)) continue;
    assert.ok(finch.includes(line), `libpurple writes ${JSON.stringify(line)}`);
  }
});

Deno.test("AccountsXml.addXmppAccount() appends after every other account and keeps them", () => {
  const diff = edited((doc) => doc.addXmppAccount({ jid: "new@example.com" }));
  assert.deepEqual(diff.removed, []);
  assert.deepEqual(diff.added, [
    "\t<account>",
    "\t\t<protocol>prpl-jabber</protocol>",
    "\t\t<name>new@example.com</name>",
    "\t\t<settings ui='pidgin-cli'>",
    "\t\t\t<setting name='auto-login' type='bool'>1</setting>",
    "\t\t</settings>",
    "\t\t<current_error/>",
    "\t</account>",
  ]);
});

Deno.test("AccountsXml.addXmppAccount() refuses a JID that exists and input it cannot store", () => {
  const doc = parseAccountsXml(MIXED);
  assert.equal(
    doc.addXmppAccount({ jid: "WORK@corp.example/other" }),
    undefined,
  );
  assert.throws(() => doc.addXmppAccount({ jid: "no-domain" }), RangeError);
  assert.throws(
    () => doc.addXmppAccount({ jid: "a@b", port: 70000 }),
    RangeError,
  );
  assert.throws(
    () => doc.addXmppAccount({ jid: "a@b", password: "x\u0000" }),
    RangeError,
  );
  assert.equal(serializeAccountsXml(doc), MIXED);
});

Deno.test("AccountsXml.setPassword() changes only the password line", async (t) => {
  await t.step("replaces a clear-text password", () => {
    assert.deepEqual(edited((d) => d.setPassword("alice@example.org", "n3w")), {
      removed: ["\t\t<password>secret &amp; &lt;ok&gt;</password>"],
      added: ["\t\t<password>n3w</password>"],
    });
  });
  await t.step("replaces a keyring password by a clear-text one", () => {
    assert.deepEqual(edited((d) => d.setPassword("work@corp.example", "pw")), {
      removed: [
        "\t\t<password keyring_id='keyring-gnome' mode='base64'>c2VjcmV0</password>",
      ],
      added: ["\t\t<password>pw</password>"],
    });
  });
  await t.step("adds one after <name>", () => {
    const doc = parseAccountsXml(MIXED);
    doc.setPassword("bare@example.net", "a'b");
    const text = serializeAccountsXml(doc);
    assert.match(
      text,
      /<name>bare@example\.net<\/name>\n\t\t<password>a&apos;b<\/password>\n/,
    );
    assert.equal(
      parseAccountsXml(text).find("bare@example.net")?.password,
      "a'b",
    );
  });
  await t.step("forgets it", () => {
    assert.deepEqual(
      edited((d) => d.setPassword("alice@example.org", undefined)),
      {
        removed: ["\t\t<password>secret &amp; &lt;ok&gt;</password>"],
        added: [],
      },
    );
  });
});

Deno.test("AccountsXml.setAlias() keeps any text, escaped as glib escapes it", () => {
  const alias = `A & <B> 'C' "D"\nÜ 😀`;
  const doc = parseAccountsXml(MIXED);
  doc.setAlias("bare@example.net", alias);
  const text = serializeAccountsXml(doc);
  assert.ok(
    text.includes(
      `<alias>A &amp; &lt;B&gt; &apos;C&apos; &quot;D&quot;\nÜ 😀</alias>`,
    ),
  );
  assert.equal(parseAccountsXml(text).find("bare@example.net")?.alias, alias);
  assert.deepEqual(edited((d) => d.setAlias("alice@example.org", undefined)), {
    removed: ["\t\t<alias>Alice</alias>"],
    added: [],
  });
});

Deno.test("AccountsXml.setEnabled() writes pidgin's auto-login and leaves Pidgin's and Finch's", async (t) => {
  await t.step("a new UI block after the other settings", () => {
    assert.deepEqual(edited((d) => d.setEnabled("alice@example.org", false)), {
      removed: [],
      added: [
        "\t\t<settings ui='pidgin-cli'>",
        "\t\t\t<setting name='auto-login' type='bool'>0</setting>",
        "\t\t</settings>",
      ],
    });
  });
  await t.step("an existing setting in place", () => {
    const doc = parseAccountsXml(MIXED);
    assert.equal(doc.setEnabled("work@corp.example", false), true);
    assert.equal(doc.find("work@corp.example")?.enabled, false);
    assert.deepEqual(lineDiff(MIXED, serializeAccountsXml(doc)), {
      removed: ["\t\t\t<setting name='auto-login' type='bool'>1</setting>"],
      added: ["\t\t\t<setting name='auto-login' type='bool'>0</setting>"],
    });
  });
  await t.step("another UI when asked", () => {
    const doc = parseAccountsXml(MIXED);
    doc.setEnabled("alice@example.org", false, { ui: "gtk-gaim" });
    assert.equal(doc.find("alice@example.org")?.enabledBy, "gtk-gaim");
  });
});

Deno.test("AccountsXml.setConnectServer(), setPort(), setSetting() change one setting line", () => {
  assert.deepEqual(edited((d) => d.setPort("alice@example.org", 5223)), {
    removed: ["\t\t\t<setting name='port' type='int'>5222</setting>"],
    added: ["\t\t\t<setting name='port' type='int'>5223</setting>"],
  });
  assert.deepEqual(
    edited((d) => d.setConnectServer("alice@example.org", undefined)),
    {
      removed: [
        "\t\t\t<setting name='connect_server' type='string'>xmpp.example.org</setting>",
      ],
      added: [],
    },
  );
  assert.deepEqual(
    edited((d) =>
      d.setSetting("alice@example.org", { name: "pidgin-x", value: "v" })
    ),
    {
      removed: [],
      added: ["\t\t\t<setting name='pidgin-x' type='string'>v</setting>"],
    },
  );
  assert.deepEqual(
    edited((d) => d.setConnectServer("bare@example.net", "h.example")),
    {
      removed: [],
      added: [
        "\t\t<settings>",
        "\t\t\t<setting name='connect_server' type='string'>h.example</setting>",
        "\t\t</settings>",
      ],
    },
  );
  assert.throws(
    () => parseAccountsXml(MIXED).setPort("alice@example.org", 0),
    RangeError,
  );
});

Deno.test("AccountsXml.setDefault() marks one account and unmarks the one before", () => {
  const doc = parseAccountsXml(MIXED);
  doc.setDefault("alice@example.org");
  doc.setDefault("work@corp.example");
  assert.deepEqual(
    doc.xmppAccounts.filter((a) => a.isDefault).map((a) => a.jid),
    [
      "work@corp.example",
    ],
  );
  assert.deepEqual(lineDiff(MIXED, serializeAccountsXml(doc)), {
    removed: [],
    added: ["\t\t\t<setting name='default' type='bool'>1</setting>"],
  });
});

Deno.test("AccountsXml.removeXmppAccount() removes that account's lines and nothing else", () => {
  const doc = parseAccountsXml(MIXED);
  assert.equal(doc.removeXmppAccount("Work@corp.example"), true);
  const lines = MIXED.split("\n");
  assert.equal(lines[61], "\t\t<name>Work@Corp.Example/laptop</name>");
  lines.splice(59, 12); // its <account> … </account>
  assert.equal(serializeAccountsXml(doc), lines.join("\n"));
  const single = parseAccountsXml(fixtureText("purple/accounts.xml"));
  single.removeXmppAccount("alice@localhost");
  assert.equal(
    serializeAccountsXml(single),
    "<?xml version='1.0' encoding='UTF-8' ?>\n\n<account version='1.0'/>\n",
  );
});

Deno.test("AccountsXml edits of an account that is not there change nothing and return false", () => {
  const doc = parseAccountsXml(MIXED);
  assert.equal(doc.removeXmppAccount("nobody@example.org"), false);
  assert.equal(
    doc.setPassword("alice@irc.libera.chat", "x"),
    false,
    "an IRC account is not XMPP",
  );
  assert.equal(doc.setEnabled("nobody@example.org", true), false);
  assert.equal(doc.setDefault("nobody@example.org"), false);
  assert.equal(serializeAccountsXml(doc), MIXED);
});

Deno.test("AccountsXml.setSetting() with a UI writes that UI's block, and drops the block it empties", () => {
  const doc = parseAccountsXml(MIXED);
  const edit = { ui: PIDGIN_CLI_UI, name: "password-command" };
  doc.setSetting("alice@example.org", {
    ...edit,
    value: "pass show xmpp/alice",
  });
  assert.deepEqual(
    doc.find("alice@example.org")?.uiSettings.get(PIDGIN_CLI_UI)?.get(
      "password-command",
    ),
    { type: "string", value: "pass show xmpp/alice" },
  );
  assert.deepEqual(lineDiff(MIXED, serializeAccountsXml(doc)).added, [
    "\t\t<settings ui='pidgin-cli'>",
    "\t\t\t<setting name='password-command' type='string'>pass show xmpp/alice</setting>",
    "\t\t</settings>",
  ]);
  doc.setSetting("alice@example.org", { ...edit, value: undefined });
  assert.equal(serializeAccountsXml(doc), MIXED);
});
