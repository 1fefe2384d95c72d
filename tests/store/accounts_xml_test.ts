import assert from "node:assert/strict";
import {
  parseAccountsXml,
  PIDGIN_CLI_UI,
  ProfileSyntaxError,
  serializeAccountsXml,
} from "../../src/store/accounts_xml.ts";
import { FINCH, finchFiles, fixtureText } from "../_support/purple_files.ts";

const MIXED = fixtureText("purple-mixed/accounts.xml");

Deno.test("parseAccountsXml() and serializeAccountsXml() give back every Finch accounts.xml byte for byte", () => {
  for (const file of finchFiles("accounts.xml")) {
    const text = Deno.readTextFileSync(file);
    assert.equal(serializeAccountsXml(parseAccountsXml(text)), text, file);
  }
  assert.equal(serializeAccountsXml(parseAccountsXml(MIXED)), MIXED);
});

Deno.test("parseAccountsXml() reads the account Finch created as libpurple does", () => {
  const text = Deno.readTextFileSync(
    `${FINCH}/stages/2-html-run-enUS-Berlin/accounts.xml`,
  );
  const [alice, ...rest] = parseAccountsXml(text).xmppAccounts;
  assert.equal(rest.length, 0);
  assert.equal(alice?.userName, "alice@localhost/Finch");
  assert.equal(alice?.jid, "alice@localhost");
  assert.equal(alice?.resource, "Finch");
  assert.equal(alice?.alias, "Alice A");
  assert.equal(alice?.password, "alicepass");
  assert.equal(alice?.enabled, true);
  assert.equal(alice?.enabledBy, "gnt-purple");
  assert.equal(alice?.connectServer, "127.0.0.1");
  assert.equal(alice?.port, 15322);
  assert.equal(alice?.isDefault, false);
  assert.deepEqual(alice?.settings.get("connection_security"), {
    type: "string",
    value: "require_tls",
  });
  // Stage 3 had the alias removed by hand: no alias then.
  const stage3 = parseAccountsXml(
    Deno.readTextFileSync(`${FINCH}/stages/3-txt-run-C-NewYork/accounts.xml`),
  );
  assert.equal(stage3.find("alice@localhost")?.alias, undefined);
});

Deno.test("parseAccountsXml() lists accounts of every protocol and the XMPP ones apart", () => {
  const doc = parseAccountsXml(MIXED);
  assert.deepEqual(doc.accounts.map((a) => [a.protocol, a.userName]), [
    ["prpl-irc", "alice@irc.libera.chat"],
    ["prpl-jabber", "alice@example.org/Home"],
    ["prpl-aim", "alice1984"],
    ["prpl-jabber", "Work@Corp.Example/laptop"],
    ["prpl-jabber", "bare@example.net"],
  ]);
  assert.deepEqual(doc.xmppAccounts.map((a) => a.jid), [
    "alice@example.org",
    "work@corp.example",
    "bare@example.net",
  ]);
  const alice = doc.find("ALICE@example.org/Other")!;
  assert.equal(alice.password, "secret & <ok>");
  assert.equal(alice.settings.get("future-setting")?.value, "kept as it is");
  assert.equal(
    alice.uiSettings.get("gtk-gaim")?.get("gtk-some-ui-thing")?.value,
    3,
  );
  const work = doc.find("work@corp.example")!;
  assert.equal(
    work.password,
    undefined,
    "a keyring password is not clear text",
  );
  assert.equal(work.resource, "laptop");
  assert.equal(doc.find("bare@example.net")?.resource, undefined);
});

Deno.test("XmppAccount.enabled: pidgin's auto-login, else Pidgin's, else Finch's, else off", async (t) => {
  const account = (uis: string) =>
    parseAccountsXml(
      `<account version='1.0'><account><protocol>prpl-jabber</protocol><name>a@b</name>${uis}</account></account>`,
    ).find("a@b")!;
  const ui = (id: string, value: string, type = "bool") =>
    `<settings ui='${id}'><setting name='auto-login' type='${type}'>${value}</setting></settings>`;
  await t.step("pidgin's own setting wins", () => {
    const a = account(
      ui("gnt-purple", "1") + ui("gtk-gaim", "1") + ui(PIDGIN_CLI_UI, "0"),
    );
    assert.deepEqual([a.enabled, a.enabledBy], [false, PIDGIN_CLI_UI]);
  });
  await t.step("then Pidgin's, then Finch's", () => {
    const a = account(ui("gnt-purple", "1") + ui("gtk-gaim", "0"));
    assert.deepEqual([a.enabled, a.enabledBy], [false, "gtk-gaim"]);
    const b = account(ui("gnt-purple", "1") + ui("other-ui", "0"));
    assert.deepEqual([b.enabled, b.enabledBy], [true, "gnt-purple"]);
  });
  await t.step("none set, or not a bool: off, as libpurple defaults", () => {
    const a = account(ui(PIDGIN_CLI_UI, "1", "string"));
    assert.deepEqual([a.enabled, a.enabledBy], [false, undefined]);
  });
  await t.step("a bool is false only when it starts with 0 (account.c)", () => {
    assert.equal(account(ui(PIDGIN_CLI_UI, "true")).enabled, true);
    assert.equal(account(ui(PIDGIN_CLI_UI, "01")).enabled, false);
  });
});

Deno.test("parseAccountsXml() reads what libpurple ignores as absent", () => {
  const doc = parseAccountsXml(`<account version='1.0'>
  <account><protocol>prpl-jabber</protocol></account>
  <account><name>x@y</name></account>
  <account><protocol>prpl-jabber</protocol><name>a@b</name><alias></alias><password></password>
    <settings><setting name='port' type='int'>99999</setting><setting name='connect_server' type='string'></setting>
    <setting type='int'>1</setting><setting name='odd' type='float'>1</setting></settings></account>
  <account><protocol>prpl-jabber</protocol><name>A@B/second</name><alias>dup</alias></account>
</account>`);
  assert.equal(doc.accounts.length, 2);
  const [a] = doc.xmppAccounts;
  assert.equal(doc.xmppAccounts.length, 1, "a JID listed twice is one account");
  assert.equal(a?.userName, "a@b");
  assert.equal(a?.alias, undefined);
  assert.equal(a?.password, undefined);
  assert.equal(a?.port, undefined, "99999 is no port");
  assert.equal(a?.connectServer, undefined);
  assert.deepEqual([...a!.settings.keys()], ["port"]);
});

Deno.test("parseAccountsXml() takes empty text as a file without accounts and gives it back unchanged", () => {
  for (const text of ["", "\n  \n"]) {
    const doc = parseAccountsXml(text);
    assert.deepEqual(doc.accounts, []);
    assert.equal(serializeAccountsXml(doc), text);
  }
});

Deno.test("parseAccountsXml() throws ProfileSyntaxError with the line for what is not an accounts.xml", async (t) => {
  const cases: [string, string, number, RegExp][] = [
    [
      "unclosed",
      "<account version='1.0'>\n\t<account>\n",
      3,
      /not well-formed XML/,
    ],
    [
      "mismatched",
      "<account>\n<account></name>\n</account>",
      2,
      /not well-formed/,
    ],
    ["two roots", "<account/>\n<account/>", 2, /not well-formed/],
    ["text outside", "<account/>\njunk", 2, /not well-formed/],
    ["undefined entity", "<account>\n&nbsp;</account>", 2, /entity/],
    ["bad character", "<account>\u0001</account>", 1, /not well-formed/],
    [
      "wrong root",
      "<?xml version='1.0'?>\n<purple version='1.0'/>",
      2,
      /not an accounts\.xml/,
    ],
    ["DOCTYPE", "<!DOCTYPE account>\n<account/>", 1, /DOCTYPE/],
    [
      "billion laughs",
      "<!DOCTYPE a [<!ENTITY l 'lol'><!ENTITY l2 '&l;&l;'>]><account>&l2;</account>",
      1,
      /DOCTYPE/,
    ],
    [
      "external entity",
      "<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><account>&x;</account>",
      1,
      /DOCTYPE/,
    ],
    [
      "other encoding",
      "<?xml version='1.0' encoding='ISO-8859-1'?><account/>",
      1,
      /encoding/,
    ],
    ["XML 1.1", "<?xml version='1.1'?><account/>", 1, /version/],
    ["deep nesting", "<account>" + "<a>".repeat(100), 1, /nested deeper/],
    ["unbound prefix", "<account><x:account/></account>", 1, /namespace/],
  ];
  for (const [name, text, line, reason] of cases) {
    await t.step(name, () => {
      assert.throws(() => parseAccountsXml(text), (err: unknown) => {
        assert.ok(
          err instanceof ProfileSyntaxError && err instanceof SyntaxError,
        );
        assert.equal(err.line, line);
        assert.match(err.message, reason);
        assert.match(err.message, new RegExp(`^line ${line}: `));
        return true;
      });
    });
  }
  await t.step("too large", () => {
    assert.throws(
      () =>
        parseAccountsXml(`<account>${" ".repeat(33 * 1024 * 1024)}</account>`),
      /larger than/,
    );
  });
});

Deno.test("AccountsXml.defaultAccount: the marked one, else the first enabled, else the first", () => {
  const doc = parseAccountsXml(MIXED);
  assert.equal(
    doc.defaultAccount?.jid,
    "alice@example.org",
    "enabled in Pidgin",
  );
  doc.setDefault("bare@example.net");
  assert.equal(
    doc.defaultAccount?.jid,
    "bare@example.net",
    "marked, though not enabled",
  );
  const none = parseAccountsXml(MIXED);
  for (const a of none.xmppAccounts) none.setEnabled(a.jid, false);
  assert.equal(none.defaultAccount?.jid, "alice@example.org");
  assert.equal(parseAccountsXml("").defaultAccount, undefined);
});
