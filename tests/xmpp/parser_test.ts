import assert from "node:assert/strict";
import type { ConnectionError } from "../../src/errors.ts";
import { SERVER_HEADER } from "../_support/fake_server.ts";
import { assertOneLine, failedStart } from "./_fake_login.ts";

Deno.test("Session.start() fails with ConnectionError when the server sends no XML stream", async (t) => {
  await t.step("text before the stream header", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send("garbage \x1b[31m" + SERVER_HEADER);
      await peer.closed;
    });
    assertOneLine(err, /not an XMPP stream \(not-well-formed\)$/);
    assert.ok(!err.message.includes("garbage"), err.message);
  });
  await t.step("bytes that are not UTF-8", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(new Uint8Array([0xff, 0xfe, 0x41]));
      await peer.closed;
    });
    assertOneLine(err, /not UTF-8 \(unsupported-encoding\)$/);
  });
  await t.step("a TLS record (a direct-TLS port)", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]),
      );
      await peer.closed;
    });
    assertOneLine(err, /answered with TLS/);
    assert.match(
      (err as ConnectionError).hint ?? "",
      /xmpps:\/\/127\.0\.0\.1:\d+/,
    );
  });
  await t.step("a closed connection, promptly", async () => {
    const { err, ms } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
    });
    assertOneLine(err, /closed the connection before the XMPP stream began/);
    assert.ok(ms < 5000, `${ms} ms`);
  });
  await t.step("another root element", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send("<html>");
      await peer.closed;
    });
    assertOneLine(err, /did not open an XMPP stream \(invalid-namespace\)$/);
  });
});

Deno.test("Session.start() ends the stream with restricted-xml on a comment, DOCTYPE or processing instruction", async (t) => {
  const cases: [string, string][] = [
    ["a comment", SERVER_HEADER + "<!-- hi --><stream:features/>"],
    ["a DOCTYPE", "<!DOCTYPE stream>" + SERVER_HEADER],
    ["a processing instruction", SERVER_HEADER + "<?php echo 1 ?>"],
  ];
  for (const [name, text] of cases) {
    await t.step(name, async () => {
      const { err, received } = await failedStart(async (peer) => {
        await peer.expect(/<stream:stream[^>]*>/);
        await peer.send(text);
        await peer.closed;
      });
      assertOneLine(err, /XMPP forbids \(restricted-xml\)$/);
      if (text.startsWith(SERVER_HEADER)) {
        assert.match(
          received,
          /<stream:error><restricted-xml xmlns=.urn:ietf:params:xml:ns:xmpp-streams.\/><\/stream:error><\/stream:stream>$/,
        );
      }
    });
  }
});

Deno.test("Session.start() ends the stream with policy-violation on a huge or endless stanza, in bounded time and memory", async (t) => {
  const heapBefore = Deno.memoryUsage().heapUsed;
  await t.step("a 50 MB stanza", async () => {
    const { err, ms, received } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(
        SERVER_HEADER + "<message><body>" + "x".repeat(50_000_000) +
          "</body></message>",
      );
      await peer.closed;
    });
    assertOneLine(err, /a stanza larger than 1 MiB \(policy-violation\)$/);
    assert.match(
      received,
      /<policy-violation xmlns=.urn:ietf:params:xml:ns:xmpp-streams.\/>/,
    );
    assert.ok(ms < 5000, `${ms} ms`);
  });
  await t.step("a stanza that never ends", async () => {
    const { err, ms } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(SERVER_HEADER + "<message><body>");
      await peer.flood("y".repeat(64 * 1024));
    });
    assertOneLine(err, /a stanza larger than 1 MiB \(policy-violation\)$/);
    assert.ok(ms < 5000, `${ms} ms`);
  });
  await t.step("elements nested without end", async () => {
    const { err } = await failedStart(async (peer) => {
      await peer.expect(/<stream:stream[^>]*>/);
      await peer.send(SERVER_HEADER);
      await peer.flood("<a>".repeat(1000));
    });
    assertOneLine(err, /nested more than 128 deep \(policy-violation\)$/);
  });
  const grown = Deno.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 200 * 1024 * 1024, `heap grew by ${grown} bytes`);
});
