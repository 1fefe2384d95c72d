import assert from "node:assert/strict";
import { join } from "node:path";
import { nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

Deno.test("interactive mode goes online on every enabled account; one that cannot does not stop the others", async () => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alice-secret-pw" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
      { jid: "carol@localhost", password: "carol-secret-pw" },
      { jid: "dave@localhost", password: "dave-secret-pw" },
      { jid: "eve@localhost", password: "eve-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "purple");
  const env = {
    PURPLE_HOME: purple,
    XMPP_CA_FILE: prosody.caFile,
    LANG: "en_US.UTF-8",
    TZ: "Europe/Berlin",
  };
  const server = ["--server", "127.0.0.1", "--port", String(prosody.port)];
  const logins: [string, string][] = [
    ["alice@localhost/desk", "alice-secret-pw"],
    ["dave@localhost/desk", "dave-secret-pw"],
    ["eve@localhost/desk", "not-eves-password"],
  ];
  for (const [jid, password] of logins) {
    const added = await runCli(
      [
        ...server,
        "account",
        "add",
        "--remember-password",
        "--password-stdin",
        jid,
      ],
      { env, stdin: `${password}\n` },
    );
    assert.equal(added.code, 0, added.stderr);
  }
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );

  await using pidgin = spawnCli([], { env });
  await pidgin.writeLine("/account");
  const accounts = await pidgin.waitForOutput("eve@localhost  offline: ");
  assert.match(
    accounts,
    /\* alice@localhost\/desk {2}available\n {2}dave@localhost\/desk {2}available\n/,
  );
  assert.match(accounts, /Cannot log in as "eve@localhost"/);

  await bob.sendMessage("alice@localhost", "hi alice");
  await pidgin.waitForOutput(
    "1 unread from bob@localhost [alice@localhost]: hi alice)",
  );
  await carol.sendMessage("dave@localhost", "hi dave");
  await pidgin.waitForOutput(
    "1 unread from carol@localhost [dave@localhost]: hi dave)",
  );

  const toBob = nextMessages(bob, 1);
  await pidgin.writeLine("/chat bob");
  await pidgin.waitForOutput(
    "Now chatting with bob@localhost [alice@localhost] (bob@localhost)",
  );
  await pidgin.writeLine("reply from alice");
  assert.equal((await toBob)[0]!.from, "alice@localhost/desk");

  const toCarol = nextMessages(carol, 1);
  await pidgin.writeLine("/account dave");
  await pidgin.waitForOutput("New conversations use dave@localhost/desk");
  await pidgin.writeLine("/chat carol@localhost");
  await pidgin.writeLine("reply from dave");
  assert.equal((await toCarol)[0]!.from, "dave@localhost/desk");

  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  // Over a pipe the account that could not log in decides the exit status.
  assert.equal(result.code, 4, result.stderr);
  for (
    const [account, contact, line] of [
      [
        "alice@localhost",
        "bob@localhost",
        "alice@localhost/desk: reply from alice",
      ],
      [
        "dave@localhost",
        "carol@localhost",
        "dave@localhost/desk: reply from dave",
      ],
    ]
  ) {
    const dir = join(purple, "logs", "jabber", account!, contact!);
    const texts = await Promise.all(
      [...Deno.readDirSync(dir)].map((e) =>
        Deno.readTextFile(join(dir, e.name))
      ),
    );
    assert.ok(texts.some((t) => t.includes(line!)), texts.join("\n"));
  }
});
