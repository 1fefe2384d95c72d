import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  nextMessages,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startContractServer } from "../_support/contract_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

Deno.test("a contact's message becomes a ticket with that message as context, and the agent's reply reaches the contact", async () => {
  await using prosody = await startProsody();
  await using server = startContractServer();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple, {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
  });
  await using bob = await onlinePeer(prosody);

  // alice is chatting when bob reports the problem; chat logs it and reports presence.
  await using chat = spawnCli(["chat", "bob@localhost"], { env });
  const hello = nextMessages(bob, 1);
  await chat.writeLine("hi bob");
  const [first] = await hello;
  await bob.sendMessage(first!.from, "The printer on floor 3 is jammed");
  await chat.waitForOutput("floor 3 is jammed");
  await chat.writeLine("/quit");
  assert.equal((await chat.finish()).code, 0);
  assert.deepEqual(server.presence().map((p) => [p.account, p.show]), [
    ["alice@localhost", "available"],
    ["alice@localhost", "offline"],
  ]);

  const created = await runCli([
    "ticket",
    "create",
    "bob@localhost",
    "Printer jammed, reported in chat",
  ], { env });
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const [ticket] = server.tickets();
  assert.equal(ticket!.id, id);
  assert.match(
    ticket!.context.at(-1)!,
    /^\(\d\d:\d\d:\d\d [AP]M\) bob@localhost: The printer on floor 3 is jammed$/,
  );

  server.agentReply(id, "A technician is on the way", "pending");
  const relayed = nextMessages(bob, 1);
  const synced = await runCli(["ticket", "sync", "--relay", id], { env });
  assert.equal(synced.code, 0, synced.stderr);
  assert.match(
    synced.stdout,
    /Dana \(IT\) \(agent\): A technician is on the way\n/,
  );
  const [reply] = await relayed;
  assert.equal(reply!.body, "A technician is on the way");
  assert.equal(reply!.fromBare, "alice@localhost");

  const logs = await readConversationLogs(purple, "bob@localhost");
  assert.match(
    logs.at(-1)!.text,
    /alice@localhost\/pidgin: A technician is on the way\n$/,
  );
});

Deno.test("two ticket sync --relay runs at once relay each agent message once", async () => {
  await using prosody = await startProsody();
  await using server = startContractServer();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple, {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
  });
  await using bob = await onlinePeer(prosody);
  const created = await runCli(["ticket", "create", "bob@localhost", "help"], {
    env: { ...env, TICKET_CONTEXT_LINES: "0" },
  });
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  for (const n of [1, 2, 3]) server.agentReply(id, `agent reply ${n}`);
  const received: string[] = [];
  const off = bob.on("message", (m) => received.push(m.body));
  const runs = await Promise.all(
    ["relay-a", "relay-b"].map((resource) =>
      runCli(["ticket", "sync", "--relay", id], {
        env: { ...env, XMPP_RESOURCE: resource },
      })
    ),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  await bob.roundTrip();
  off();
  assert.deepEqual(received.sort(), [
    "agent reply 1",
    "agent reply 2",
    "agent reply 3",
  ]);
});
