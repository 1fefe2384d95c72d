import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  nextMessages,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("send delivers a message from the arguments and logs it in Pidgin's txt format", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  const received = nextMessages(bob, 1);
  const result = await runCli([
    "send",
    "bob@localhost",
    "build",
    "42",
    "is",
    "green",
  ], {
    env: aliceEnv(prosody, purple),
  });
  assert.equal(result.stderr, "");
  assert.equal(result.code, 0);
  const [message] = await received;
  assert.equal(message!.body, "build 42 is green");
  // A one-shot command binds a resource of its own (see resources_test.ts).
  assert.match(message!.from, /^alice@localhost\/pidgin\.[a-z0-9]{8}$/);

  const [log, ...more] = await readConversationLogs(purple, "bob@localhost");
  assert.equal(more.length, 0);
  assert.match(log!.name, /^\d{4}-\d\d-\d\d\.\d{6}[+-]\d{4}CES?T\.txt$/);
  const [header, line, end] = log!.text.split("\n");
  assert.match(
    header!,
    /^Conversation with bob@localhost at \w{3} \d\d \w{3} \d{4} \d\d:\d\d:\d\d [AP]M CES?T on alice@localhost\/pidgin \(jabber\)$/,
  );
  assert.match(
    line!,
    /^\(\d\d:\d\d:\d\d [AP]M\) alice@localhost\/pidgin: build 42 is green$/,
  );
  assert.equal(end, "");
  assert.equal(log!.mode, 0o600);
  assert.equal(
    (await Deno.stat(join(purple, "logs", "jabber"))).mode! & 0o777,
    0o700,
  );
});

Deno.test("send reads a multi-line message from stdin as one message, with the account alias in the log", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await Deno.mkdir(purple, { recursive: true });
  await Deno.copyFile(
    new URL("../fixtures/purple/accounts.xml", import.meta.url),
    join(purple, "accounts.xml"),
  );
  await Deno.writeTextFile(
    join(purple, "accounts.xml"),
    (await Deno.readTextFile(join(purple, "accounts.xml"))).replace(
      "alice@localhost/Finch",
      "alice@localhost/pidgin",
    ),
  );
  await using bob = await onlinePeer(prosody);
  const received = nextMessages(bob, 1);
  const result = await runCli(["send", "bob@localhost"], {
    env: aliceEnv(prosody, purple, { PIDGIN_LOG_FORMAT: "html" }),
    stdin: 'line one\nline <two> & "three"\n',
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await received)[0]!.body, 'line one\nline <two> & "three"');
  const [log] = await readConversationLogs(purple, "bob@localhost");
  assert.match(log!.name, /\.html$/);
  const lines = log!.text.split("\n");
  assert.match(
    lines[0]!,
    /^<!DOCTYPE HTML PUBLIC .*<title>Conversation with bob@localhost at .* on alice@localhost\/pidgin \(jabber\)<\/title>.*<p>$/,
  );
  assert.match(
    lines[1]!,
    /^<span style="color: #16569E"><span style="font-size: smaller">\(\d\d:\d\d:\d\d [AP]M\)<\/span> <b>Alice A:<\/b><\/span> line one<br\/>line &lt;two&gt; &amp; &quot;three&quot;<br>$/,
  );
  assert.deepEqual(lines.slice(2), ["</p>", "</body>", "</html>", ""]);
});

Deno.test("send over direct TLS (xmpps://) with SCRAM-SHA-1 and a non-ASCII password", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "jürgen@sha1.localhost",
    password: "pässwörd ✓",
  });
  await using bob = await onlinePeer(prosody);
  const received = nextMessages(bob, 1);
  const result = await runCli(["send", "bob@localhost", "grüße"], {
    env: {
      ...aliceEnv(prosody, join(prosody.dir, "purple")),
      XMPP_JID: "jürgen@sha1.localhost",
      XMPP_PASSWORD: "pässwörd ✓",
      XMPP_SERVER: `xmpps://127.0.0.1:${prosody.tlsPort}`,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  const [message] = await received;
  assert.equal(message!.body, "grüße");
  assert.equal(message!.fromBare, "jürgen@sha1.localhost");
});

Deno.test("send waits for a ping round trip when the server has no stream management", async () => {
  await using prosody = await startProsody({ withoutStreamManagement: true });
  await using bob = await onlinePeer(prosody);
  const received = nextMessages(bob, 1);
  const result = await runCli(["send", "bob@localhost", "acked by ping"], {
    env: aliceEnv(prosody, join(prosody.dir, "purple")),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await received)[0]!.body, "acked by ping");
});
