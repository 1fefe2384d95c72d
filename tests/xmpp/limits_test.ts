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

Deno.test("Session.getRoster() takes a roster larger than the stanza limit; other large answers are refused", async (t) => {
  const items = Array.from(
    { length: 30_000 },
    (_, i) =>
      `<item jid='contact${i}@localhost' subscription='both' name='Contact ${i}'/>`,
  ).join(""); // about 2.3 MB: over the 1 MiB cap of other stanzas
  async function withServer(answer: (id: string) => string) {
    await using fake = await startTlsFake(async (peer) => {
      await serveLogin(peer, { offer: ["SCRAM-SHA-256"], password: "pw" });
      const iq = await peer.expect(/<\/iq>/);
      await peer.send(answer(/id="([^"]+)"/.exec(iq)![1]!));
      await serveOnline(peer);
    });
    await using session = createSession({
      jid: "alice@localhost",
      password: "pw",
      ...fake.service,
    });
    await session.start();
    const roster = await session.getRoster().then(
      (r) => r,
      (err: Error) => err,
    );
    await session.stop();
    await fake.server.scripts();
    return roster;
  }
  await t.step("the answer to our roster request", async () => {
    const roster = await withServer((id) =>
      `<iq type='result' id='${id}'><query xmlns='jabber:iq:roster'>${items}</query></iq>`
    );
    assert.ok(Array.isArray(roster), String(roster));
    assert.equal(roster.length, 30_000);
  });
  await t.step("an answer to no request of ours", async () => {
    const roster = await withServer(() =>
      `<iq type='result' id='other'><query xmlns='jabber:iq:roster'>${items}</query></iq>`
    );
    assert.ok(roster instanceof Error);
    assert.match(roster.message, /larger than 1 MiB \(policy-violation\)$/);
  });
});
