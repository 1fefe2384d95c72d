import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  nextMessages,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

/** The message lines of a txt log, without their time stamps. */
function lines(log: string): string[] {
  return log.split("\n").slice(1).filter((l) => l !== "").map((l) =>
    l.replace(/^\(\d\d:\d\d:\d\d [AP]M\) /, "")
  );
}

Deno.test("what the server cannot carry is cleaned before it is logged: the log holds exactly what was sent", async (t) => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using bob = await onlinePeer(prosody);
  await t.step(
    "send: escape sequences go, a bell becomes U+FFFD, said once",
    async () => {
      const got = nextMessages(bob, 1);
      const result = await runCli(["send", "bob@localhost"], {
        env,
        stdin: "\x1b[1;31merror:\x1b[0m build failed\x07\n",
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stderr,
        "pidgin: Before sending, removed 2 terminal escape sequence(s) and replaced 1 character(s) XMPP cannot carry with U+FFFD\n",
      );
      assert.equal((await got)[0]!.body, "error: build failed\ufffd");
      const [log] = await readConversationLogs(purple, "bob@localhost");
      assert.deepEqual(lines(log!.text), [
        "alice@localhost/pidgin: error: build failed\ufffd",
      ]);
    },
  );
  await t.step(
    "chat over a pipe: every line goes, the stream stays up",
    async () => {
      const got = nextMessages(bob, 3);
      const result = await runCli(["chat", "bob@localhost"], {
        env,
        stdin: "one\x07\ntwo\x00\nthree\n",
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await got).map((m) => m.body), [
        "one\ufffd",
        "two\ufffd",
        "three",
      ]);
      // Interactive mode over a pipe prints its notices with its output.
      assert.equal(result.stdout.match(/Before sending/g)?.length, 1);
    },
  );
  await t.step(
    "a message above the server's limit is refused before it is logged",
    async () => {
      const before = await readConversationLogs(purple, "bob@localhost");
      const result = await runCli(["send", "bob@localhost"], {
        env,
        stdin: "x".repeat(300 * 1024),
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^pidgin: Cannot send the message: it is 30\d KiB, the server accepts at most 256 KiB\n/,
      );
      const after = await readConversationLogs(purple, "bob@localhost");
      assert.equal(after.length, before.length, "no log file was written");
      assert.ok(
        after.every((log) => !log.text.includes("xxxxxxxxxx")),
        "nothing of it was logged",
      );
    },
  );
});

Deno.test("a message the server bounces is a failure of its line, and the log says so", async (t) => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await t.step(
    "send to nobody: exit 5, an error line after the message",
    async () => {
      const result = await runCli(["send", "nobody@localhost", "hello?"], {
        env,
      });
      assert.equal(result.code, 5, result.stderr);
      assert.match(
        result.stderr,
        /^pidgin: Cannot deliver the message to "nobody@localhost": service-unavailable/,
      );
      const [log] = await readConversationLogs(purple, "nobody@localhost");
      assert.deepEqual(lines(log!.text), [
        "alice@localhost/pidgin: hello?",
        "Message delivery to nobody@localhost failed: service-unavailable",
      ]);
    },
  );
  await t.step("chat over a pipe: exit 5", async () => {
    const result = await runCli(["chat", "nobody@localhost"], {
      env,
      stdin: "hi\n",
    });
    assert.equal(result.code, 5, result.stderr);
    assert.match(
      result.stdout,
      /Cannot deliver the message to "nobody@localhost"/,
    );
  });
});

Deno.test("a session the server replaces says exactly that", async () => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  await using first = spawnCli([], { env });
  await first.writeLine("/status");
  await first.waitForOutput("You are available");
  // Another client binds the same resource.
  await using _other = await onlinePeer(
    prosody,
    "alice@localhost",
    "alice-secret-pw",
    "pidgin",
  );
  const result = await first.exited();
  assert.equal(result.code, 5, result.stderr);
  assert.match(
    result.stderr,
    /^pidgin: Signed out by the server: another client signed in as "alice@localhost\/pidgin" \(conflict\)\n/,
  );
});

Deno.test("a message that cannot be logged is still shown; the run says logging stopped and exits 3", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  // A file where bob's log folder would go: his conversation cannot be logged.
  await Deno.mkdir(join(purple, "logs", "jabber", "alice@localhost"), {
    recursive: true,
  });
  await Deno.writeTextFile(
    join(purple, "logs", "jabber", "alice@localhost", "bob@localhost"),
    "",
  );
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  ).catch(async () => {
    await prosody.register({
      jid: "carol@localhost",
      password: "carol-secret-pw",
    });
    return onlinePeer(prosody, "carol@localhost", "carol-secret-pw");
  });
  await using pidgin = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  await pidgin.writeLine("/status");
  await pidgin.waitForOutput("You are available");
  await bob.sendMessage("alice@localhost", "can you read me?");
  await carol.sendMessage("alice@localhost", "and me?");
  await pidgin.waitForOutput("bob@localhost: can you read me?");
  await pidgin.waitForOutput("unread from carol@localhost: and me?");
  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  assert.equal(result.code, 3, result.stderr);
  assert.equal(
    result.stdout.match(/Logging stopped: Cannot write the chat log/g)?.length,
    1,
  );
  // carol's conversation was logged all the same.
  const [log] = await readConversationLogs(purple, "carol@localhost");
  assert.match(log!.text, /carol@localhost: and me\?\n/);
});

Deno.test("a contact whose JID is too long for a file name is logged in a shortened folder, both ways", async () => {
  // Long enough that the log folder (with "@localhost") passes 255 bytes,
  // short enough for Prosody to store the account.
  const long = `${"x".repeat(248)}@localhost`;
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alice-secret-pw" },
      { jid: long, password: "long-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using peer = await onlinePeer(prosody, long, "long-secret-pw");
  const got = nextMessages(peer, 1);
  const sent = await runCli(["send", long, "to the long one"], { env });
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal((await got)[0]!.body, "to the long one");
  await using pidgin = spawnCli([], { env });
  await pidgin.writeLine("/status");
  await pidgin.waitForOutput("You are available");
  await peer.sendMessage("alice@localhost", "from the long one");
  await pidgin.waitForOutput("from the long one");
  await pidgin.writeLine("/quit");
  assert.equal((await pidgin.finish()).code, 0);
  const folders = [
    ...Deno.readDirSync(join(purple, "logs", "jabber", "alice@localhost")),
  ].map((e) => e.name);
  assert.equal(folders.length, 1);
  assert.match(folders[0]!, /^x{200,}~[0-9a-f]{32}$/);
  const logged = await readConversationLogs(purple, folders[0]!);
  const text = logged.map((l) => l.text).join("");
  assert.match(text, /to the long one/);
  assert.match(text, /from the long one/);
});
