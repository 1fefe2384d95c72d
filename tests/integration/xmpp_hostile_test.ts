import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import {
  type FakePeer,
  SERVER_HEADER,
  startFakeServer,
} from "../_support/fake_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { type CliResult, runCli } from "../_support/run_cli.ts";

/** One line of error, one of hint, no stack trace, nothing raw from the server. */
function assertOneLineError(result: CliResult, code: number, pattern: RegExp) {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.ok(lines.length <= 2, result.stderr);
  assert.match(lines[0]!, pattern);
  if (lines[1]) assert.match(lines[1], /^hint: /);
  assert.ok(!/\bat .*:\d+:\d+|Uncaught/.test(result.stderr), "no stack trace");
  assert.ok(
    !result.stderr.includes("\x1b") && !result.stderr.includes("garbage"),
    "nothing raw from the server",
  );
  assert.equal(result.stdout, "");
}

/** `pidgin send` against a plain fake server running `run`. */
async function sendVia(run: (peer: FakePeer) => Promise<void>) {
  await using fake = startFakeServer({ run });
  const dir = await Deno.makeTempDir({ prefix: "pidgin-hostile-" });
  try {
    const started = performance.now();
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: {
        XMPP_JID: "alice@localhost",
        XMPP_PASSWORD: "alice-secret-pw",
        XMPP_SERVER: "127.0.0.1",
        XMPP_PORT: String(fake.port),
        PURPLE_HOME: dir,
      },
    });
    return { result, ms: performance.now() - started };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("pidgin exits 5 with one line when the server misbehaves", async (t) => {
  await t.step("bytes before the stream header", async () => {
    const { result } = await sendVia(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send("garbage \x1b[31m" + SERVER_HEADER);
      await peer.closed;
    });
    assertOneLineError(
      result,
      5,
      /^pidgin: Cannot connect to "xmpp:\/\/127\.0\.0\.1:\d+": the server sent something that is not an XMPP stream \(not-well-formed\)$/,
    );
  });
  await t.step("bytes that are not UTF-8", async () => {
    const { result } = await sendVia(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(new Uint8Array([0xff, 0xfe, 0x41]));
      await peer.closed;
    });
    assertOneLineError(result, 5, /not UTF-8 \(unsupported-encoding\)$/);
  });
  await t.step("see-other-host before TLS", async () => {
    const { result } = await sendVia(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        SERVER_HEADER +
          "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" +
          "evil.example:5222\x1b[2J</see-other-host></stream:error>",
      );
      await peer.closed;
    });
    assertOneLineError(
      result,
      5,
      /the server sends pidgin to "evil\.example:5222 \[2J" \(see-other-host\), and pidgin does not follow redirects$/,
    );
  });
  await t.step("a 50 MB stanza, promptly", async () => {
    const { result, ms } = await sendVia(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(SERVER_HEADER + "<stream:features><x>");
      await peer.send("x".repeat(50_000_000));
      await peer.closed;
    });
    assertOneLineError(result, 5, /larger than 1 MiB \(policy-violation\)$/);
    assert.ok(ms < 10_000, `${ms} ms`);
  });
  await t.step("a DOCTYPE", async () => {
    const { result } = await sendVia(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(SERVER_HEADER + "<!DOCTYPE x [<!ENTITY a 'b'>]>");
      await peer.closed;
    });
    assertOneLineError(result, 5, /\(restricted-xml\)$/);
  });
});

Deno.test("pidgin names direct TLS when STARTTLS meets a direct-TLS port", async () => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"), {
    XMPP_PORT: String(prosody.tlsPort),
  });
  const result = await runCli(["send", "bob@localhost", "hi"], { env });
  assertOneLineError(
    result,
    5,
    /^pidgin: Cannot connect to "xmpp:\/\/127\.0\.0\.1:\d+": /,
  );
  assert.match(
    result.stderr,
    new RegExp(
      `hint: The port may expect direct TLS: try --server xmpps://127\\.0\\.0\\.1:${prosody.tlsPort}`,
    ),
  );
  const direct = await runCli(["send", "bob@localhost", "hi"], {
    env: { ...env, XMPP_SERVER: `xmpps://127.0.0.1:${prosody.tlsPort}` },
  });
  assert.equal(direct.code, 0, direct.stderr);
});

Deno.test("pidgin's wrong-password hint names where the password comes from", async () => {
  await using prosody = await startProsody();
  const result = await runCli(["send", "bob@localhost", "hi"], {
    env: aliceEnv(prosody, join(prosody.dir, "purple"), {
      XMPP_PASSWORD: "wrong-secret-pw",
    }),
  });
  assert.equal(result.code, 4, result.stderr);
  assert.equal(
    result.stderr,
    'pidgin: Cannot log in as "alice@localhost": the server rejected the credentials (not-authorized)\n' +
      "hint: Check XMPP_JID and the password in XMPP_PASSWORD\n",
  );
});
