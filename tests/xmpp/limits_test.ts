import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import { serveLogin, serveOnline, startTlsFake } from "./_fake_login.ts";

const limits = (bytes: number) =>
  `<limits xmlns='urn:xmpp:stream-limits:0'><max-bytes>${bytes}</max-bytes></limits>`;

Deno.test("Session.maxStanzaBytes is the limit the server advertises after login (XEP-0478)", async () => {
  await using fake = await startTlsFake(async (peer) => {
    await serveLogin(peer, {
      offer: ["SCRAM-SHA-256"],
      password: "pw",
      before: limits(5000), // before login, servers accept less
      after: limits(20_000),
    });
    await serveOnline(peer);
  });
  await using session = createSession({
    jid: "alice@localhost",
    password: "pw",
    ...fake.service,
  });
  assert.equal(session.maxStanzaBytes, 262_144, "Prosody's default until told");
  await session.start();
  assert.equal(session.maxStanzaBytes, 20_000);
  session.assertSendable("bob@localhost", "x".repeat(15_000));
  assert.throws(
    () => session.assertSendable("bob@localhost", "x".repeat(20_000)),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message ===
        "Cannot send the message: it is 21 KiB, the server accepts at most 19 KiB",
  );
  await session.stop();
  await fake.server.scripts();
});
