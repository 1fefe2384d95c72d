import assert from "node:assert/strict";
import { join } from "node:path";
import { nextMessages, onlinePeer } from "../_support/accounts.ts";
import { fixture } from "../_support/env.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

/** A copy of the Finch profile (alice@localhost/Finch, password remembered). */
async function finchProfile(dir: string): Promise<string> {
  const purple = join(dir, "finch-profile");
  await new Deno.Command("cp", {
    args: ["-a", fixture("purple-finch/purple-home"), purple],
  }).output();
  return purple;
}

Deno.test("the Finch profile as PURPLE_HOME: its account is listed and goes online, no XMPP_* needed", async (t) => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alicepass" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
    ],
  });
  const purple = await finchProfile(prosody.dir);
  const accountsBefore = await Deno.readTextFile(join(purple, "accounts.xml"));
  // Where to connect is the test server's, not the fixture's old port; no account settings.
  const env = {
    PURPLE_HOME: purple,
    XMPP_SERVER: "127.0.0.1",
    XMPP_PORT: String(prosody.port),
    XMPP_CA_FILE: prosody.caFile,
    LANG: "en_US.UTF-8",
    TZ: "Europe/Berlin",
  };
  await t.step("account list", async () => {
    const result = await runCli(["account", "list", "--json"], { env });
    assert.equal(result.code, 0, result.stderr);
    const [row] = JSON.parse(result.stdout);
    assert.deepEqual(
      [
        row.jid,
        row.resource,
        row.enabled,
        row.enabledBy,
        row.default,
        row.password,
      ],
      ["alice@localhost", "Finch", true, "Finch", true, "remembered"],
    );
    const table = await runCli(["account", "list"], { env });
    assert.match(table.stdout, /^alice@localhost\/Finch {2}.*yes \(Finch\)/m);
  });
  await using bob = await onlinePeer(prosody);
  await t.step("send goes online on it and logs as Pidgin would", async () => {
    const got = nextMessages(bob, 1);
    const result = await runCli([
      "send",
      "bob@localhost",
      "hello from the Finch profile",
    ], { env });
    assert.equal(result.code, 0, result.stderr);
    const [message] = await got;
    assert.match(message!.from, /^alice@localhost\/Finch\.[a-z0-9]{8}$/);
    const dir = join(purple, "logs/jabber/alice@localhost/bob@localhost");
    const newest = [...Deno.readDirSync(dir)].map((e) => e.name).sort().at(-1)!;
    const text = await Deno.readTextFile(join(dir, newest));
    assert.match(text, /on alice@localhost\/Finch \(jabber\)\n/);
    assert.match(
      text,
      /alice@localhost\/Finch: hello from the Finch profile\n$/,
    );
  });
  await t.step("interactive mode goes online on it", async () => {
    const got = nextMessages(bob, 1);
    const result = await runCli([], {
      env,
      stdin: "/msg bob@localhost from interactive\n/quit\n",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await got)[0]!.from, "alice@localhost/Finch");
  });
  assert.equal(
    await Deno.readTextFile(join(purple, "accounts.xml")),
    accountsBefore,
    "reading the profile changed nothing",
  );
});

Deno.test("account add with the password on stdin, then send without any XMPP_* account variable", async (t) => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = {
    PURPLE_HOME: purple,
    XMPP_CA_FILE: prosody.caFile,
  };
  await t.step("add", async () => {
    const result = await runCli([
      "--server",
      "127.0.0.1",
      "--port",
      String(prosody.port),
      "account",
      "add",
      "--remember-password",
      "--password-stdin",
      "--alias",
      "Alice",
      "alice@localhost/desk",
    ], { env, stdin: "alice-secret-pw\n" });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Added alice@localhost/desk\n");
    assert.match(
      result.stderr,
      /stored in accounts\.xml in clear text, as Pidgin stores it/,
    );
    assert.ok(!result.stderr.includes("alice-secret-pw"));
    const xml = await Deno.readTextFile(join(purple, "accounts.xml"));
    assert.match(xml, /<name>alice@localhost\/desk<\/name>/);
    assert.match(
      xml,
      /<setting name='connect_server' type='string'>127\.0\.0\.1<\/setting>/,
    );
    assert.equal(
      (await Deno.stat(join(purple, "accounts.xml"))).mode! & 0o777,
      0o600,
    );
  });
  await using bob = await onlinePeer(prosody);
  await t.step("send", async () => {
    const got = nextMessages(bob, 1);
    const result = await runCli(["send", "bob@localhost", "hi"], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match((await got)[0]!.from, /^alice@localhost\/desk\./);
  });
  await t.step(
    "a second account, default, disable, forget, remove",
    async () => {
      const add = await runCli(["account", "add", "carol@localhost"], { env });
      assert.equal(add.code, 0, add.stderr);
      assert.equal(
        (await runCli(["account", "default", "carol@localhost"], { env })).code,
        0,
      );
      assert.equal(
        (await runCli(["account", "disable", "alice@localhost"], { env })).code,
        0,
      );
      assert.equal(
        (await runCli(["account", "password", "--forget", "alice@localhost"], {
          env,
        })).code,
        0,
      );
      const rows = JSON.parse(
        (await runCli(["account", "list", "--json"], { env })).stdout,
      );
      assert.deepEqual(
        rows.map((
          r: Record<string, unknown>,
        ) => [r.jid, r.enabled, r.default, r.password]),
        [["alice@localhost", false, false, "prompt"], [
          "carol@localhost",
          true,
          true,
          "prompt",
        ]],
      );
      const remove = await runCli(["account", "remove", "carol@localhost"], {
        env,
      });
      assert.equal(remove.code, 0, remove.stderr);
      const missing = await runCli(["account", "remove", "carol@localhost"], {
        env,
      });
      assert.equal(missing.code, 2);
      assert.equal(
        missing.stderr,
        'pidgin: No account "carol@localhost" in this profile\nhint: pidgin account list shows the accounts\n',
      );
    },
  );
  await t.step("no password anywhere: a clear error, exit 3", async () => {
    const result = await runCli(["send", "bob@localhost", "hi"], { env });
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stderr,
      /^pidgin: Missing the password of "alice@localhost"\nhint: /,
    );
  });
});

Deno.test("a password command gives the password; one in a file others may write is refused", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = { PURPLE_HOME: purple, XMPP_CA_FILE: prosody.caFile };
  const add = await runCli([
    "--server",
    "127.0.0.1",
    "--port",
    String(prosody.port),
    "account",
    "add",
    "alice@localhost",
  ], { env });
  assert.equal(add.code, 0, add.stderr);
  const settings = join(purple, "xmpp_settings.json");
  await Deno.writeTextFile(
    settings,
    JSON.stringify({ passwordCommand: "echo alice-secret-pw" }),
    { mode: 0o600 },
  );
  await Deno.chmod(settings, 0o600);
  await using _bob = await onlinePeer(prosody);
  const sent = await runCli(["send", "bob@localhost", "hi"], { env });
  assert.equal(sent.code, 0, sent.stderr);
  await Deno.chmod(settings, 0o666);
  const refused = await runCli(["send", "bob@localhost", "hi"], { env });
  assert.equal(refused.code, 3);
  assert.match(
    refused.stderr,
    /^pidgin: Refusing the password command of ".*xmpp_settings\.json": others may write that file\n/,
  );
});
