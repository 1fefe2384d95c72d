import assert from "node:assert/strict";
import type { ConnectionError } from "../../src/errors.ts";
import { SERVER_HEADER } from "../_support/fake_server.ts";
import { assertOneLine, failedStart, openStream } from "./_fake_login.ts";

Deno.test("Session.start() reports a stream error without following see-other-host", async (t) => {
  await t.step("see-other-host before TLS", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        SERVER_HEADER +
          "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>evil.example:5222\n\x1b[2J</see-other-host></stream:error></stream:stream>",
      );
      await peer.closed;
    });
    assertOneLine(
      err,
      /^Cannot connect to "xmpp:\/\/127\.0\.0\.1:\d+": the server sends pidgin to "evil\.example:5222 \[2J" \(see-other-host\)/,
    );
    assert.match((err as ConnectionError).hint ?? "", /before TLS/);
  });
  await t.step("a stream error with no condition", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(SERVER_HEADER + "<stream:error/>");
      await peer.closed;
    });
    assertOneLine(err, /the server ended the stream \(undefined-condition\)$/);
  });
  await t.step("a long multi-line text", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        SERVER_HEADER +
          "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
          `<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>line one\nline two ${
            "x".repeat(5000)
          }</text></stream:error>`,
      );
      await peer.closed;
    });
    assertOneLine(
      err,
      /shutting down \(system-shutdown: line one line two x+…\)$/,
    );
    assert.ok(err.message.length < 400, `${err.message.length} characters`);
  });
});

Deno.test("Session.start() survives what xmpp.js would throw on", async (t) => {
  await t.step("an element with a malformed 'from' is dropped", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        SERVER_HEADER + "<message from='@' to='/x'><body>hi</body></message>" +
          "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
      );
      await peer.closed;
    });
    // Handled after the dropped message, not a TypeError from xmpp.js.
    assertOneLine(err, /\(host-unknown\)$/);
  });
  await t.step("mechanisms offered without TLS: no password sent", async () => {
    const { err, received } = await failedStart(async (peer) => {
      await openStream(
        peer,
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>",
      );
      await peer.closed;
    });
    assertOneLine(err, /does not offer TLS$/);
    assert.ok(!received.includes("<auth"), received);
  });
  await t.step(
    "features with nothing to negotiate: fails at once",
    async () => {
      const { err, ms } = await failedStart(async (peer) => {
        await openStream(peer, "");
        await peer.closed;
      });
      assertOneLine(err, /does not offer TLS$/);
      assert.ok(ms < 5000, `${ms} ms`);
    },
  );
});
