import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startContractServer } from "../_support/contract_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";
import type { Session, SubscriptionRequest } from "../../src/xmpp/mod.ts";

function nextSubscription(
  session: Session,
  type: SubscriptionRequest["type"],
): Promise<SubscriptionRequest> {
  return new Promise((resolve) => {
    const off = session.on("subscription", (request) => {
      if (request.type !== type) return;
      off();
      resolve(request);
    });
  });
}

function presenceOf(
  session: Session,
  from: string,
  show: string,
): Promise<void> {
  return new Promise((resolve) => {
    const off = session.on("presence", (p) => {
      if (p.fromBare !== from || p.show !== show) return;
      off();
      resolve();
    });
  });
}

Deno.test("interactive mode over a pipe: subscriptions, chats, unread counts, tickets, /quit", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  await using server = startContractServer();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );
  const env = aliceEnv(prosody, purple, {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
    TICKET_SYNC_INTERVAL: "0.2",
  });
  await using pidgin = spawnCli([], { env });
  await pidgin.writeLine("/status available ready");
  await pidgin.waitForOutput("You are available (ready)");

  // bob asks to see alice's presence; alice accepts and, like Pidgin, asks back.
  const askedBack = nextSubscription(bob, "subscribe");
  await bob.requestSubscription("alice@localhost");
  await pidgin.waitForOutput(
    "bob@localhost wants to see your presence: /accept bob@localhost or /deny bob@localhost",
  );
  const aliceOnline = presenceOf(bob, "alice@localhost", "available");
  await pidgin.writeLine("/accept bob@localhost");
  await askedBack;
  await bob.answerSubscription("alice@localhost", true);
  await aliceOnline;
  await pidgin.waitForOutput(
    "bob@localhost accepted your request to see their presence",
  );
  await pidgin.writeLine("/alias bob@localhost Bobby");
  await pidgin.waitForOutput("bob@localhost is now called Bobby");

  await pidgin.writeLine("/chat bob");
  await pidgin.waitForOutput("Now chatting with Bobby (bob@localhost)");
  const hello = nextMessages(bob, 1);
  await pidgin.writeLine("hello bob");
  const [first] = await hello;
  assert.equal(first!.body, "hello bob");
  await bob.sendMessage(
    first!.from,
    "\x9b2J\x9d0;pwned\x9chi \x9d8;;https://evil.example\x9cthere\x9d8;;\x9c",
  );
  const shown = await pidgin.waitForOutput("Bobby: hi there");
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x1b\x07\x9b\x9c\x9d]/.test(shown), JSON.stringify(shown));

  await carol.sendMessage("alice@localhost", "psst, alice");
  await pidgin.waitForOutput("1 unread from carol@localhost: psst, alice)");
  await carol.sendMessage("alice@localhost", "the printer again");
  await pidgin.waitForOutput(
    "2 unread from carol@localhost: the printer again)",
  );
  await pidgin.writeLine("/list");
  // alice does not see carol's presence (no subscription), so carol shows offline.
  const listed = await pidgin.waitForOutput(
    "+ carol@localhost <carol@localhost>  offline  2 unread\n",
  );
  assert.match(
    listed,
    /\* Bobby <bob@localhost> {2}available\n\+ carol@localhost/,
  );

  await pidgin.writeLine("/chat car");
  const switched = await pidgin.waitForOutput(
    "carol@localhost: the printer again\n",
  );
  assert.match(
    switched,
    /Now chatting with carol@localhost \(carol@localhost\)\n\d\d:\d\d:\d\d carol@localhost: psst, alice\n/,
  );

  await pidgin.writeLine("/ticket Printer on floor 3 is jammed");
  await pidgin.waitForOutput("Created ticket T-1001 for carol@localhost");
  const [ticket] = server.tickets();
  assert.equal(ticket!.contact, "carol@localhost");
  assert.ok(
    ticket!.context.some((line) =>
      line.endsWith("carol@localhost: the printer again")
    ),
    ticket!.context.join("\n"),
  );
  await pidgin.writeLine("/tickets");
  await pidgin.waitForOutput("T-1001  open  Printer on floor 3 is jammed");
  server.agentReply("T-1001", "A technician is on the way", "pending");
  await pidgin.waitForOutput(
    "[ticket T-1001] Dana (IT): A technician is on the way",
  );
  await pidgin.waitForOutput("[ticket T-1001] status pending");

  const aliceOffline = presenceOf(bob, "alice@localhost", "unavailable");
  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  assert.equal(result.code, 0, result.stderr);
  await aliceOffline;
  assert.deepEqual(server.presence().map((p) => p.show), [
    "available",
    "available",
    "offline",
  ]);
});

Deno.test("interactive mode over a pipe runs every command and exits with the first failure's code", async () => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  const result = await runCli([], {
    env,
    stdin: "/chatt bob\nhello\n/help chat\n/status away\n",
  });
  assert.equal(result.code, 2);
  assert.match(
    result.stdout,
    /pidgin: Unknown command "\/chatt"\nhint: Did you mean \/chat\? \/help lists all\n/,
  );
  assert.match(
    result.stdout,
    /pidgin: No conversation is open\nhint: Open one with \/chat <jid>, or \/msg <jid> <text>\n/,
  );
  assert.match(
    result.stdout,
    /\/chat <jid\|alias\|prefix>\n {2}Switch to \(or open\) a conversation\n/,
  );
  assert.match(result.stdout, /You are away\n$/);
});

Deno.test("a message shown before /quit is not delivered again on the next start", async () => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  await using bob = await onlinePeer(prosody);
  {
    await using pidgin = spawnCli([], { env });
    await pidgin.writeLine("/roster"); // an iq answered after stream management is on
    await pidgin.waitForOutput("The roster is empty");
    await bob.sendMessage("alice@localhost", "only once");
    await pidgin.waitForOutput("from bob@localhost: only once)");
    await pidgin.writeLine("/quit");
    assert.equal((await pidgin.finish()).code, 0);
  }
  // /add waits for the server's answer, which comes after any offline messages.
  const again = await runCli([], { env, stdin: "/add carol@localhost\n" });
  assert.equal(again.code, 0, again.stdout);
  assert.ok(!again.stdout.includes("only once"), again.stdout);
});

Deno.test("interactive mode: /history and /search read the logs; /deny and /remove manage the roster", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );
  await using pidgin = spawnCli([], { env });
  await pidgin.writeLine("/add bob@localhost Bobby Friends");
  await pidgin.waitForOutput("Added bob@localhost");

  await carol.requestSubscription("alice@localhost");
  await pidgin.waitForOutput("carol@localhost wants to see your presence");
  await pidgin.writeLine("/deny carol@localhost");
  await pidgin.waitForOutput("Denied carol@localhost");

  const sent = nextMessages(bob, 2);
  await pidgin.writeLine("/chat Bobby");
  await pidgin.writeLine("first line");
  await pidgin.writeLine("Second line");
  await sent;
  await pidgin.writeLine("/history 2");
  const history = await pidgin.waitForOutput(
    "alice@localhost/pidgin: Second line\n",
  );
  assert.match(
    history,
    /\(\d\d:\d\d:\d\d [AP]M\) alice@localhost\/pidgin: first line\n\(\d\d:\d\d:\d\d [AP]M\) alice@localhost\/pidgin: Second line\n/,
  );
  await pidgin.writeLine("/search SECOND");
  await pidgin.writeLine("/search nothing-like-this");
  const searched = await pidgin.waitForOutput(
    'Nothing found for "nothing-like-this"',
  );
  assert.equal(
    searched.match(/alice@localhost\/pidgin: Second line/g)?.length,
    2,
  );

  await pidgin.writeLine("/remove bob");
  await pidgin.waitForOutput("Removed bob@localhost");
  await pidgin.writeLine("/roster");
  await pidgin.waitForOutput("The roster is empty");
  await pidgin.writeLine("/quit");
  assert.equal((await pidgin.finish()).code, 0);
});

Deno.test("interactive mode keeps chatting when the ticket backend is down, and says so once", async () => {
  await using prosody = await startProsody();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"), {
    API_BASE_URL: `http://127.0.0.1:${closedPort}`,
    API_TOKEN: "secret-token-never-shown",
    TICKET_SYNC_INTERVAL: "3600",
  });
  await using bob = await onlinePeer(prosody);
  const got = nextMessages(bob, 1);
  const result = await runCli([], {
    env,
    stdin:
      "/status away\n/status dnd busy\n/chat bob@localhost\nstill chatting\n/quit\n",
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal((await got)[0]!.body, "still chatting");
  assert.equal(
    result.stderr.match(/Cannot report presence to the ticket backend/g)
      ?.length,
    1,
    result.stderr,
  );
  assert.ok(
    !(result.stdout + result.stderr).includes("secret-token-never-shown"),
  );
});
