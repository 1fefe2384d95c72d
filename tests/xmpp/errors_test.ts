import assert from "node:assert/strict";
import { AuthError, ConnectionError } from "../../src/errors.ts";
import {
  ConnectionClosed,
  ServerStreamError,
  StreamViolation,
} from "../../src/xmpp/_failures.ts";
import { SaslFailure } from "../../src/xmpp/_sasl.ts";
import { toAppError } from "../../src/xmpp/errors.ts";

const context = { jid: "alice@localhost", service: "xmpp://127.0.0.1:5222" };

Deno.test("toAppError() rethrows a programming error unchanged", async (t) => {
  for (
    const bug of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      new RangeError("Maximum call stack size exceeded"),
      new SyntaxError("Unexpected token"),
      new Error("something else"),
      "a string",
    ]
  ) {
    await t.step(String(bug), () => {
      assert.throws(() => toAppError(bug, context), (err) => err === bug);
    });
  }
});

Deno.test("toAppError() translates socket, TLS and timeout errors", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    [
      "refused",
      new Deno.errors.ConnectionRefused("Connection refused (os error 111)"),
      /connection refused$/,
    ],
    [
      "reset",
      new Deno.errors.ConnectionReset("Connection reset by peer"),
      /the connection was reset$/,
    ],
    ["broken pipe", new Deno.errors.BrokenPipe("Broken pipe"), /was reset$/],
    [
      "untrusted certificate",
      new Deno.errors.InvalidData("invalid peer certificate: UnknownIssuer"),
      /certificate is not trusted/,
    ],
    [
      "plain text on a TLS connection",
      new Deno.errors.InvalidData(
        "received corrupt message of type InvalidContentType",
      ),
      /did not answer with TLS$/,
    ],
    [
      "DNS",
      new Error(
        "failed to lookup address information: Name or service not known",
      ),
      /unknown host$/,
    ],
    [
      "timeout",
      Object.assign(new Error("no answer"), { name: "TimeoutError" }),
      /did not answer in time$/,
    ],
    [
      "closed",
      new ConnectionClosed("the server closed the connection"),
      /closed/,
    ],
    [
      "other Deno error",
      new Deno.errors.AddrNotAvailable("no address"),
      /no address$/,
    ],
    [
      "an OS error Deno reports as a plain Error",
      new Error("No route to host (os error 113)"),
      /: No route to host \(os error 113\)$/,
    ],
  ];
  for (const [name, err, pattern] of cases) {
    await t.step(name, () => {
      const app = toAppError(err, context);
      assert.ok(app instanceof ConnectionError, app.message);
      assert.match(app.message, pattern);
    });
  }
  await t.step(
    "a reset before any XMPP on a plain port hints at direct TLS",
    () => {
      const app = toAppError(new Deno.errors.ConnectionReset("reset"), context);
      assert.equal(
        app.hint,
        "The port may expect direct TLS: try --server xmpps://127.0.0.1:5222 (or XMPP_SERVER)",
      );
    },
  );
});

Deno.test("toAppError() hints at the password's real source, not a --password flag", () => {
  const app = toAppError(new SaslFailure("not-authorized"), context);
  assert.ok(app instanceof AuthError);
  assert.equal(app.hint, "Check XMPP_JID and the password in XMPP_PASSWORD");
  assert.ok(!app.hint?.includes("--password"));
});

Deno.test("toAppError() puts server text in one bounded line", async (t) => {
  await t.step("SASL failure text", () => {
    const app = toAppError(
      new SaslFailure(
        "temporary-auth-failure",
        "a\nb\x1b[2J" + "c".repeat(900),
      ),
      context,
    );
    assert.ok(
      !app.message.includes("\n") && !app.message.includes("\x1b"),
      app.message,
    );
    assert.ok(app.message.length < 400, app.message);
  });
  await t.step("stream errors, online and not", () => {
    const shutdown = new ServerStreamError("system-shutdown", "bye");
    assert.equal(
      toAppError(shutdown, { ...context, online: true }).message,
      "Signed out by the server: the server is shutting down (system-shutdown: bye)",
    );
    assert.equal(
      toAppError(new ServerStreamError("host-unknown"), context).message,
      'Cannot connect to "xmpp://127.0.0.1:5222": the server does not serve the domain of "alice@localhost" (host-unknown)',
    );
  });
  await t.step("our own stream checks", () => {
    const app = toAppError(
      new StreamViolation(
        "policy-violation",
        "the server sent a stanza larger than 1 MiB",
      ),
      { ...context, online: true },
    );
    assert.equal(
      app.message,
      'Disconnected from "xmpp://127.0.0.1:5222": the server sent a stanza larger than 1 MiB (policy-violation)',
    );
  });
});
