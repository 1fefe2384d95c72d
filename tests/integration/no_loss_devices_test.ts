import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { numbered, repeats, shownConversation } from "../_support/no_loss.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawPeer } from "../_support/raw_peer.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

/** Every file under `dir`, read as text. */
async function allText(dir: string): Promise<string> {
  let text = "";
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) text += await allText(path);
    else if (entry.isFile) text += await Deno.readTextFile(path);
  }
  return text;
}

function forgedCarbon(kind: "sent" | "received", body: string): string {
  const [from, to] = kind === "received"
    ? ["bob@localhost/x", "alice@localhost/phone"]
    : ["alice@localhost/phone", "bob@localhost"];
  return `<message to='alice@localhost/pidgin' type='chat'>` +
    `<${kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` +
    `<message xmlns='jabber:client' from='${from}' to='${to}' type='chat'><body>${body}</body></message>` +
    `</forwarded></${kind}></message>`;
}

Deno.test("chat logs what alice's phone sends and receives in the right direction, and neither shows nor logs carbons forged by another account", async () => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alice-secret-pw" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
      { jid: "mallory@localhost", password: "mallory-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using bob = await connectRawPeer(prosody);
  await using mallory = await connectRawPeer(prosody, {
    jid: "mallory@localhost",
  });
  await using chat = spawnCli(["chat", "bob@localhost"], { env });
  await chat.writeLine("/status");
  await chat.waitForOutput("You are available");
  await using phone = await connectRawPeer(prosody, {
    jid: "alice@localhost",
    resource: "phone",
  });

  // What alice types on the phone, and what bob sends to the phone only.
  await phone.send("bob@localhost", numbered("phone", 10));
  await phone.handled();
  await bob.send("alice@localhost/phone", numbered("tophone", 10));
  await bob.handled();
  await phone.waitForBodies("bob@localhost", 10);
  // Mallory claims to forward what bob said and what alice sent.
  await mallory.raw.send(
    forgedCarbon("received", "forged received") +
      forgedCarbon("sent", "forged sent"),
  );
  await mallory.handled();
  // The server routed mallory's stanzas to pidgin before this one.
  await bob.send("alice@localhost", ["after the forgeries"]);
  await chat.waitForOutput("bob@localhost: after the forgeries");
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /alice@localhost: phone0010\n/);
  assert.match(result.stdout, /bob@localhost: tophone0010\n/);
  assert.doesNotMatch(result.stdout + result.stderr, /forged/);

  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(shown.entries.map((e) => e.body), [
    ...numbered("phone", 10),
    ...numbered("tophone", 10),
    "after the forgeries",
  ]);
  assert.deepEqual(shown.ours, numbered("phone", 10));
  assert.doesNotMatch(await allText(join(purple, "logs")), /forged/);
});

Deno.test("chat started while the account was online elsewhere logs what came and went meanwhile, each once, in order", async () => {
  await using prosody = await startProsody({ withArchive: true });
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using bob = await connectRawPeer(prosody);
  const first = await runCli(["chat", "bob@localhost"], {
    env,
    stdin: "hello0000\n",
  });
  assert.equal(first.code, 0, first.stderr);
  await bob.waitForBodies("alice@localhost", 1);

  // Alice's phone is online, so nothing goes to offline storage: only the
  // archive has these for pidgin.
  {
    await using phone = await connectRawPeer(prosody, {
      jid: "alice@localhost",
      resource: "phone",
    });
    await bob.send("alice@localhost", numbered("b", 150));
    await bob.handled();
    await phone.waitForBodies("bob@localhost", 150);
    await phone.send("bob@localhost", numbered("p", 50));
    await phone.handled();
    await bob.waitForBodies("alice@localhost", 51);
    await bob.send("alice@localhost", numbered("b", 150, 151));
    await bob.handled();
    await phone.waitForBodies("bob@localhost", 300);
  }

  await using chat = spawnCli(["chat", "bob@localhost"], { env });
  await chat.waitForOutput("bob@localhost: b0300\n", 30_000);
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  const expected = [
    "hello0000",
    ...numbered("b", 150),
    ...numbered("p", 50),
    ...numbered("b", 150, 151),
  ];
  const shown = await shownConversation(env, "bob@localhost");
  assert.deepEqual(repeats(shown.entries.map((e) => e.body!)), {});
  assert.deepEqual(shown.entries.map((e) => e.body), expected);
  assert.deepEqual(shown.ours, ["hello0000", ...numbered("p", 50)]);

  // The next start has nothing new to log: nothing doubled across restarts.
  const again = await runCli(["listen", "--for", "2s"], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, "");
  const after = await shownConversation(env, "bob@localhost");
  assert.deepEqual(after.entries.map((e) => e.body), expected);
});

Deno.test("two pidgin processes on one account both show every message: the one that logs second does not hide it", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  await using bob = await connectRawPeer(prosody);
  await using one = spawnCli(["--resource", "one", "chat", "bob@localhost"], {
    env,
  });
  await using two = spawnCli(["--resource", "two", "chat", "bob@localhost"], {
    env,
  });
  for (const chat of [one, two]) {
    await chat.writeLine("/status");
    await chat.waitForOutput("You are available");
  }
  await bob.send("alice@localhost", numbered("b", 20));
  for (const chat of [one, two]) {
    await chat.waitForOutput("bob@localhost: b0020\n");
  }
  for (const chat of [one, two]) {
    const result = await chat.finish();
    assert.equal(result.code, 0, result.stderr);
    for (const body of numbered("b", 20)) {
      assert.match(result.stdout, new RegExp(`bob@localhost: ${body}\\n`));
    }
  }
  // Logged once all the same.
  const shown = await shownConversation(env, "bob@localhost", {
    ownName: "alice@localhost/one",
    contactName: "bob@localhost",
  });
  assert.deepEqual(shown.theirs, numbered("b", 20));
});
