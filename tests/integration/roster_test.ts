import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("roster lists contacts with name, subscription and current presence", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  await using bob = await onlinePeer(prosody);
  await using alice = await onlinePeer(
    prosody,
    "alice@localhost",
    "alice-secret-pw",
    "setup",
  );
  const approved = new Promise<void>((resolve) =>
    bob.on("subscription", async (request) => {
      if (request.type !== "subscribe") return;
      await bob.answerSubscription(request.from, true);
      await bob.roundTrip();
      resolve();
    })
  );
  await alice.updateContact("bob@localhost", {
    name: "Bobby \x9b2J",
    groups: ["Friends"],
  });
  await alice.updateContact("carol@localhost");
  await alice.requestSubscription("bob@localhost");
  await approved;
  await bob.sendPresence("away", "lunch");
  await bob.roundTrip();

  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  const json = await runCli(["roster", "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.deepEqual(rows, [
    {
      jid: "bob@localhost",
      name: "Bobby \x9b2J",
      displayName: "Bobby \x9b2J",
      subscription: "to",
      pending: false,
      groups: ["Friends"],
      presence: "away",
      status: "lunch",
    },
    {
      jid: "carol@localhost",
      name: null,
      displayName: "carol@localhost",
      subscription: "none",
      pending: false,
      groups: [],
      presence: "offline",
      status: null,
    },
  ]);

  const table = await runCli(["roster"], { env });
  assert.equal(table.code, 0, table.stderr);
  assert.deepEqual(table.stdout.split("\n").map((l) => l.split(/\s{2,}/)), [
    ["JID", "NAME", "SUBSCRIPTION", "PRESENCE"],
    ["bob@localhost", "Bobby", "to", "away (lunch)"],
    ["carol@localhost", "none", "offline"],
    [""],
  ]);
});

Deno.test("roster names a contact as interactive mode and the logs do, by libpurple's rule", async () => {
  await using prosody = await startProsody();
  {
    await using alice = await onlinePeer(
      prosody,
      "alice@localhost",
      "alice-secret-pw",
      "setup",
    );
    await alice.updateContact("bob@localhost", { name: "Server Name" });
    await alice.updateContact("carol@localhost");
  }
  const purple = join(prosody.dir, "purple");
  await Deno.mkdir(purple, { recursive: true });
  await Deno.writeTextFile(
    join(purple, "blist.xml"),
    `<?xml version='1.0' encoding='UTF-8' ?>
<purple version='1.0'><blist><group name='Buddies'>
<contact><buddy account='alice@localhost/pidgin' proto='prpl-jabber'><name>bob@localhost</name><alias>Old Alias</alias></buddy></contact>
<contact alias='Contact Alias'><buddy account='alice@localhost/pidgin' proto='prpl-jabber'><name>carol@localhost</name></buddy></contact>
</group></blist></purple>
`,
  );
  const env = aliceEnv(prosody, purple);
  const table = await runCli(["roster"], { env });
  assert.equal(table.code, 0, table.stderr);
  // The roster name wins (jabber copies it into the buddy alias), then the contact alias.
  assert.match(table.stdout, /^bob@localhost {4}Server Name {4}/m);
  assert.match(table.stdout, /^carol@localhost {2}Contact Alias {2}/m);
  const listed = await runCli([], { env, stdin: "/list\n" });
  assert.match(listed.stdout, /^ {2}Server Name <bob@localhost>/m);
  assert.match(listed.stdout, /^ {2}Contact Alias <carol@localhost>/m);
});
