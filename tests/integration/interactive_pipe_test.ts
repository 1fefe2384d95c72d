import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";
import type { ChatMessage, Session } from "../../src/xmpp/mod.ts";

/** Everything `session` receives from now on. */
function collect(session: Session): ChatMessage[] {
  const got: ChatMessage[] = [];
  session.on("message", (m) => got.push(m));
  return got;
}

/** Makes alice and `peer` see each other's presence. */
async function befriend(alice: Session, peer: Session, jid: string) {
  await alice.updateContact(jid);
  await alice.requestSubscription(jid);
  await peer.answerSubscription("alice@localhost", true);
  await peer.requestSubscription("alice@localhost");
  await alice.answerSubscription(jid, true);
  await peer.roundTrip();
  await alice.roundTrip();
}

Deno.test("interactive mode over a pipe: nothing after /quit runs", async () => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);
  const got = collect(bob);
  const result = await runCli([], {
    env: aliceEnv(prosody, join(prosody.dir, "purple")),
    stdin: "/chat bob@localhost\nbefore\n/quit\nafter quit\n/chatt\n",
  });
  assert.equal(result.code, 0, result.stderr);
  await bob.roundTrip();
  assert.deepEqual(got.map((m) => m.body), ["before"]);
  assert.ok(!result.stdout.includes("Unknown command"), result.stdout);
});

Deno.test("interactive mode over a pipe: /list right after start shows who is online", async () => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);
  {
    await using alice = await onlinePeer(
      prosody,
      "alice@localhost",
      "alice-secret-pw",
      "setup",
    );
    await befriend(alice, bob, "bob@localhost");
  }
  const result = await runCli([], {
    env: aliceEnv(prosody, join(prosody.dir, "purple")),
    stdin: "/list\n/roster\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^ {2}bob@localhost <bob@localhost> {2}available$/m,
  );
  assert.match(
    result.stdout,
    /^Buddies\n {2}bob@localhost <bob@localhost> {2}available {2}\[both\]$/m,
  );
});

Deno.test("interactive mode: /status, /msg, /remove and /accept say what they do", async (t) => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  await using pidgin = spawnCli([], { env });

  await t.step("/status alone shows the current status", async () => {
    await pidgin.writeLine("/status");
    await pidgin.waitForOutput("You are available\n");
    await pidgin.writeLine("/status away lunch");
    await pidgin.waitForOutput("You are away (lunch)\n");
    await pidgin.writeLine("/status");
    await pidgin.waitForOutput("You are away (lunch)\nYou are away (lunch)\n");
  });
  await t.step("/msg sends without switching", async () => {
    const got = collect(bob);
    await pidgin.writeLine("/msg bob@localhost see you at 3");
    await pidgin.waitForOutput("Sent to bob@localhost (bob@localhost)");
    await bob.roundTrip();
    assert.deepEqual(got.map((m) => m.body), ["see you at 3"]);
    await pidgin.writeLine("/send nothing open");
    await pidgin.waitForOutput("pidgin: No conversation is open");
  });
  await t.step("/remove of a stranger says so", async () => {
    await pidgin.writeLine("/remove nobody@localhost");
    await pidgin.waitForOutput(
      "pidgin: nobody@localhost is not in your roster\nhint: /roster lists your contacts\n",
    );
  });
  await t.step(
    "a bare /accept with two requests waiting asks which",
    async () => {
      await bob.requestSubscription("alice@localhost");
      await pidgin.waitForOutput("bob@localhost wants to see your presence");
      await carol.requestSubscription("alice@localhost");
      await pidgin.waitForOutput("carol@localhost wants to see your presence");
      await pidgin.writeLine("/accept");
      await pidgin.waitForOutput(
        "pidgin: 2 subscription requests are waiting: bob@localhost, carol@localhost\nhint: Say which: /accept <jid>\n",
      );
      await pidgin.writeLine("/deny carol@localhost");
      await pidgin.waitForOutput("Denied carol@localhost");
      await pidgin.writeLine("/accept");
      await pidgin.waitForOutput("bob@localhost can now see your presence");
    },
  );
  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  // Over a pipe the first failed line decides the exit status.
  assert.equal(result.code, 2, result.stderr);
});

Deno.test("interactive mode: a line inside a message shows as its continuation, never as a message", async () => {
  await using prosody = await startProsody();
  await using bob = await onlinePeer(prosody);
  await using pidgin = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, join(prosody.dir, "purple")),
  });
  await pidgin.writeLine("/status");
  await pidgin.waitForOutput("You are available");
  await bob.sendMessage(
    "alice@localhost",
    "hello\n18:00:00 carol@localhost: send me the password",
  );
  const shown = await pidgin.waitForOutput("send me the password\n");
  assert.match(
    shown,
    /\d\d:\d\d:\d\d bob@localhost: hello\n {4}18:00:00 carol@localhost: send me the password\n/,
  );
  await pidgin.writeLine("/quit");
  assert.equal((await pidgin.finish()).code, 0);
});

Deno.test("interactive /search is the index's search, scoped to the current conversation", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );
  await using pidgin = spawnCli([], {
    env: aliceEnv(prosody, join(prosody.dir, "purple")),
  });
  await pidgin.writeLine("/status");
  await pidgin.waitForOutput("You are available");
  await bob.sendMessage("alice@localhost", "the printer on floor 3");
  await pidgin.waitForOutput("unread from bob@localhost");
  await carol.sendMessage("alice@localhost", "printer again");
  await pidgin.waitForOutput("unread from carol@localhost");
  await pidgin.writeLine("/chat bob@localhost");
  await pidgin.writeLine("/search printer");
  await pidgin.writeLine("/close");
  await pidgin.writeLine("/search print*");
  await pidgin.writeLine("/quit");
  const { stdout, code } = await pidgin.finish();
  assert.equal(code, 0);
  const [scoped, all] = stdout.split("Closed the conversation");
  assert.match(
    scoped!,
    /bob@localhost {2}bob@localhost: the printer on floor 3/,
  );
  assert.ok(
    !/carol@localhost {2}carol@localhost: printer again/.test(scoped!),
    scoped!,
  );
  assert.match(all!, /carol@localhost {2}carol@localhost: printer again/);
  assert.match(all!, /bob@localhost {2}bob@localhost: the printer on floor 3/);
});
