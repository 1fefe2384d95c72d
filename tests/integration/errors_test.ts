import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startFakeServer } from "../_support/fake_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { type CliResult, runCli } from "../_support/run_cli.ts";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** One line of error, one line of hint, no stack trace and no secret. */
function assertOneLineError(result: CliResult, code: number, pattern: RegExp) {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.ok(lines.length <= 2, result.stderr);
  assert.match(lines[0]!, pattern);
  if (lines[1]) assert.match(lines[1], /^hint: /);
  assert.ok(!/\bat .*:\d+:\d+/.test(result.stderr), "no stack trace");
  assert.ok(
    !result.stderr.includes("secret-pw") &&
      !result.stdout.includes("secret-pw"),
    "no password",
  );
  assert.equal(result.stdout, "");
}

Deno.test("each failure is one line with its documented exit code", async (t) => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  const send = (
    extra: Record<string, string>,
    args = ["send", "bob@localhost", "hi"],
  ) => runCli(args, { env: { ...env, ...extra } });

  await t.step("wrong password: 4", async () => {
    assertOneLineError(
      await send({ XMPP_PASSWORD: "wrong-secret-pw" }),
      4,
      /^pidgin: Cannot log in as "alice@localhost": the server rejected the credentials/,
    );
  });
  await t.step("refused connection: 5", async () => {
    assertOneLineError(
      await send({ XMPP_PORT: String(closedPort()) }),
      5,
      /connection refused$/,
    );
  });
  await t.step("unknown host: 5", async () => {
    assertOneLineError(
      await send({ XMPP_SERVER: "no-such-host.invalid" }),
      5,
      /unknown host$/,
    );
  });
  await t.step("untrusted certificate: 5", async () => {
    const { XMPP_CA_FILE: _, ...withoutCa } = env;
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: withoutCa,
    });
    assertOneLineError(result, 5, /certificate is not trusted/);
  });
  await t.step("certificate for another name: 5", async () => {
    assertOneLineError(
      await send({ XMPP_JID: "alice@other.localhost" }),
      5,
      /certificate is not trusted/,
    );
  });
  await t.step("server without TLS: 5, and no password sent", async () => {
    await using fake = startFakeServer("no-tls");
    assertOneLineError(
      await send({ XMPP_PORT: String(fake.port) }),
      5,
      /^pidgin: Cannot connect securely to "xmpp:\/\/127\.0\.0\.1:\d+": the server does not offer TLS$/,
    );
    assert.match(fake.received(), /<stream:stream/);
    assert.ok(!fake.received().includes("<auth"), fake.received());
  });
  await t.step("timeout: 5", async () => {
    await using fake = startFakeServer("stall");
    assertOneLineError(
      await send({ XMPP_PORT: String(fake.port) }, [
        "--timeout",
        "1",
        "send",
        "bob@localhost",
        "hi",
      ]),
      5,
      /did not answer in time$/,
    );
  });
  await t.step("invalid account JID: 3, for every command", async () => {
    for (const jid of ["not a jid", "alice@@localhost"]) {
      for (
        const args of [["send", "bob@localhost", "hi"], [
          "log",
          "bob@localhost",
        ]]
      ) {
        assertOneLineError(
          await send({ XMPP_JID: jid }, args),
          3,
          /^pidgin: Invalid XMPP_JID: expected a bare JID such as you@example\.com$/,
        );
      }
    }
  });
  await t.step("missing password: 3", async () => {
    assertOneLineError(
      await send({ XMPP_PASSWORD: "" }),
      3,
      /^pidgin: Missing XMPP_PASSWORD/,
    );
  });
  await t.step("malformed port: 3", async () => {
    assertOneLineError(
      await send({ XMPP_PORT: "99999" }),
      3,
      /^pidgin: Invalid XMPP_PORT: expected a port number/,
    );
  });
  await t.step("profile directory that is a file: 3", async () => {
    const file = join(prosody.dir, "not-a-directory");
    await Deno.writeTextFile(file, "");
    assertOneLineError(
      await send({ PURPLE_HOME: file }),
      3,
      /^pidgin: Cannot read .*".*not-a-directory\/[a-z_]+\.(xml|json)": a part of the path is not a directory$/,
    );
  });
  await t.step("bad --timeout: 2", async () => {
    assertOneLineError(
      await send({}, ["--timeout", "soon", "send", "bob@localhost", "hi"]),
      2,
      /^pidgin: Invalid --timeout "soon"/,
    );
  });
  await t.step("empty message on stdin: 2", async () => {
    assertOneLineError(
      await runCli(["send", "bob@localhost"], { env, stdin: "\n" }),
      2,
      /^pidgin: Cannot send a message: the text is empty$/,
    );
    const result = await runCli(["send", "bob@localhost"], { env, stdin: "" });
    assert.match(
      result.stderr,
      /\nhint: Pass the text as arguments, or pipe it on stdin\n$/,
    );
  });
  await t.step("invalid recipient: 2", async () => {
    assertOneLineError(
      await send({}, ["send", "bob at localhost", "hi"]),
      2,
      /^pidgin: Invalid recipient "bob at localhost"/,
    );
  });
  await t.step("unknown command: 2", async () => {
    assertOneLineError(
      await send({}, ["sned"]),
      2,
      /^pidgin: Unknown command "sned"$/,
    );
  });
  await t.step(
    "unknown ticket command: 2, pointing to ticket help",
    async () => {
      const result = await send({}, ["ticket", "frobnicate"]);
      assertOneLineError(
        result,
        2,
        /^pidgin: Unknown ticket command "frobnicate"$/,
      );
      assert.match(result.stderr, /hint: Run pidgin ticket --help/);
    },
  );
  await t.step(
    "unknown option: 2, and its value is never repeated",
    async () => {
      const result = await send({}, [
        "send",
        "--password=hunter2-secret-pw",
        "bob@localhost",
        "hi",
      ]);
      assertOneLineError(result, 2, /^pidgin: Unknown option "--password"$/);
      assert.ok(!result.stderr.includes("hunter2"), result.stderr);
    },
  );
});

Deno.test("usage mistakes found by a new user: each one line, exit 2, the hint for the command given", async () => {
  const env = {
    PURPLE_HOME: await Deno.makeTempDir(),
    XMPP_JID: "alice@localhost",
  };
  try {
    const cases: [string[], RegExp, RegExp][] = [
      [["help", "bogus"], /^pidgin: Unknown command "bogus"$/, /pidgin --help/],
      [
        ["--bogus"],
        /^pidgin: Unknown option "--bogus"$/,
        /^hint: Run pidgin --help /,
      ],
      [
        ["--timeout", "1e9", "send", "bob@localhost", "hi"],
        /^pidgin: Invalid --timeout "1e9": expected a number of seconds above 0, at most 86400$/,
        /--timeout 30/,
      ],
      [
        ["send", "notajid@@", "hi"],
        /^pidgin: Invalid recipient "notajid@@": expected user@domain$/,
        /user@example\.com/,
      ],
      [
        ["listen", "--from", "bob@@"],
        /^pidgin: Invalid contact "bob@@": expected user@domain$/,
        /user@example\.com/,
      ],
    ];
    for (const [args, line, hint] of cases) {
      const result = await runCli(args, { env });
      assertOneLineError(result, 2, line);
      assert.match(result.stderr.split("\n")[1] ?? "", hint, args.join(" "));
    }
    // The conversation was never started: nothing was logged for it.
    assert.equal(
      await Deno.stat(join(env.PURPLE_HOME, "logs")).then(
        () => true,
        () => false,
      ),
      false,
    );
  } finally {
    await Deno.remove(env.PURPLE_HOME, { recursive: true });
  }
});
