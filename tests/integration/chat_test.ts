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

Deno.test("chat with piped stdin sends each line in order, then exits once all were acknowledged", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  const received = nextMessages(bob, 3);
  const result = await runCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
    stdin: "first\n/me waves\nthird\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((await received).map((m) => m.body), [
    "first",
    "/me waves",
    "third",
  ]);
  const [log] = await readConversationLogs(purple, "bob@localhost");
  const lines = log!.text.split("\n").slice(1, 4).map((l) =>
    l.replace(/^\(\d\d:\d\d:\d\d [AP]M\) /, "")
  );
  assert.deepEqual(lines, [
    "alice@localhost/pidgin: first",
    "***alice@localhost/pidgin waves",
    "alice@localhost/pidgin: third",
  ]);
});

Deno.test("chat shows and logs incoming messages; control sequences are neutralised on screen, kept in the log", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await Deno.mkdir(purple, { recursive: true });
  await Deno.writeTextFile(
    join(purple, "blist.xml"),
    (await Deno.readTextFile(
      new URL("../fixtures/purple/blist.xml", import.meta.url),
    ))
      .replaceAll("alice@localhost/Finch", "alice@localhost/pidgin"),
  );
  await using bob = await onlinePeer(prosody);
  await using chat = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  const first = nextMessages(bob, 1);
  await chat.writeLine("hello bob");
  const [hello] = await first;
  assert.equal(hello!.body, "hello bob");

  // XML cannot carry ESC (U+001B), but it can carry the 8-bit C1 forms:
  // CSI clear screen, OSC set title, OSC 8 link, CSI cursor up, a bidi override.
  const hostile =
    "\x9b2J\x9d0;pwned\x9cplain \x9d8;;https://evil.example\x9clink\x9d8;;\x9c \x9b5A\u202eend";
  await bob.sendMessage(hello!.from, hostile);
  const screen = await chat.waitForOutput("end");
  const shown = screen.split("\n").find((l) => l.includes("plain"))!;
  assert.match(shown, /^\d\d:\d\d:\d\d Bobby <B&B> Ü: plain link end$/);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x1b\x9b\x9c\x9d\u202e]/.test(screen), JSON.stringify(screen));

  await chat.writeLine("/quit");
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  const [log] = await readConversationLogs(purple, "bob@localhost");
  const body = log!.text.split("\n").slice(1).map((l) =>
    l.replace(/^\(\d\d:\d\d:\d\d [AP]M\) /, "")
  );
  assert.equal(body[0], "alice@localhost/pidgin: hello bob");
  assert.equal(body[1], `Bobby <B&B> Ü: ${hostile}`);

  const shownLog = await runCli(["log", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  assert.equal(shownLog.code, 0, shownLog.stderr);
  assert.deepEqual(
    shownLog.stdout.split("\n").map((l) =>
      l.replace(/^\(\d\d:\d\d:\d\d [AP]M\) /, "")
    ),
    [
      "alice@localhost/pidgin: hello bob",
      "Bobby <B&B> Ü: plain link end",
      "",
    ],
  );
});

Deno.test("chat logs a message from a hostile resource under the contact's bare JID only", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(
    prosody,
    "bob@localhost",
    "bob-secret-pw",
    "../../../../../tmp/evil",
  );
  await using chat = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  const first = nextMessages(bob, 1);
  await chat.writeLine("hi");
  const [hi] = await first;
  await bob.sendMessage(hi!.from, "from a strange resource");
  await chat.waitForOutput("strange resource");
  await chat.writeLine("/quit");
  assert.equal((await chat.finish()).code, 0);
  const jabber = join(purple, "logs", "jabber");
  const seen: string[] = [];
  for await (const account of Deno.readDir(jabber)) {
    for await (const contact of Deno.readDir(join(jabber, account.name))) {
      seen.push(`${account.name}/${contact.name}`);
    }
  }
  assert.deepEqual(seen, ["alice@localhost/bob@localhost"]);
  const [log] = await readConversationLogs(purple, "bob@localhost");
  assert.match(log!.text, /bob@localhost: from a strange resource\n$/);
});

Deno.test("chat on Ctrl-C exits 130 after closing its html log properly", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  await using chat = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple, { PIDGIN_LOG_FORMAT: "html" }),
  });
  const first = nextMessages(bob, 1);
  await chat.writeLine("before Ctrl-C");
  const [message] = await first;
  await bob.sendMessage(message!.from, "<b>bold?</b> & more");
  await chat.waitForOutput("& more");
  chat.interrupt();
  const result = await chat.exited();
  assert.equal(result.code, 130);
  assert.equal(result.stderr, "pidgin: Interrupted\n");
  const [log] = await readConversationLogs(purple, "bob@localhost");
  const lines = log!.text.split("\n");
  assert.match(
    lines[1]!,
    /^<span style="color: #16569E"><span style="font-size: smaller">\(\d\d:\d\d:\d\d [AP]M\)<\/span> <b>alice@localhost\/pidgin:<\/b><\/span> before Ctrl-C<br>$/,
  );
  assert.match(
    lines[2]!,
    /^<span style="color: #A82F2F"><span style="font-size: smaller">\(\d\d:\d\d:\d\d [AP]M\)<\/span> <b>bob@localhost:<\/b><\/span> &lt;b&gt;bold\?&lt;\/b&gt; &amp; more<br>$/,
  );
  assert.deepEqual(lines.slice(3), ["</p>", "</body>", "</html>", ""]);
});

Deno.test("chat rides out a server restart: says it is reconnecting, comes back, and sends on", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using chat = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  {
    await using bob = await onlinePeer(prosody);
    const first = nextMessages(bob, 1);
    await chat.writeLine("before the restart");
    await first;
  }
  await prosody.restart({
    whileDown: () => chat.waitForOutput("Connection lost; reconnecting"),
  });
  await chat.waitForOutput("Reconnected", 30_000);
  await using bob = await onlinePeer(prosody);
  const second = nextMessages(bob, 1);
  await chat.writeLine("after the restart");
  assert.equal((await second)[0]!.body, "after the restart");
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  const [log] = await readConversationLogs(purple, "bob@localhost");
  assert.match(
    log!.text,
    /alice@localhost\/pidgin: before the restart\n.*alice@localhost\/pidgin: after the restart\n$/s,
  );
});

Deno.test("chat shows bob's delivery receipt, and what alice says on her phone as hers", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  await using chat = spawnCli(["chat", "bob@localhost"], {
    env: aliceEnv(prosody, purple),
  });
  await chat.writeLine("/status");
  await chat.waitForOutput("You are available");
  await using phone = await onlinePeer(
    prosody,
    "alice@localhost",
    "alice-secret-pw",
    "phone",
  );
  const got = nextMessages(bob, 1);
  await chat.writeLine("ping");
  await got;
  await chat.waitForOutput("✓ bob@localhost received your message");
  await phone.sendMessage("bob@localhost", "typed on the phone");
  await chat.waitForOutput("alice@localhost: typed on the phone");
  const result = await chat.finish();
  assert.equal(result.code, 0, result.stderr);
  const [log] = await readConversationLogs(purple, "bob@localhost");
  assert.match(log!.text, /alice@localhost\/pidgin: typed on the phone\n/);
});
