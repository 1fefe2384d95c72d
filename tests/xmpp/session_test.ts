import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { createSession, type Session } from "../../src/xmpp/mod.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice, next } from "./_prosody_session.ts";
import type { FakePeer } from "../_support/fake_server.ts";
import { serveLogin, startTlsFake } from "./_fake_login.ts";

/** What an online session reports when `after` (run by the server once the client is online) ends it. */
async function online(after: (peer: FakePeer) => Promise<void>) {
  const seen: string[] = [];
  let closed: () => void = () => {};
  const offline = new Promise<void>((resolve) => (closed = resolve));
  await using fake = await startTlsFake(async (peer) => {
    await serveLogin(peer, { offer: ["SCRAM-SHA-256"], password: "pw" });
    await peer.expect(/<presence/); // the client is online
    await after(peer);
  });
  await using session: Session = createSession({
    jid: "alice@localhost",
    password: "pw",
    ...fake.service,
  });
  session.on("disconnected", (err) => {
    assert.ok(err instanceof ConnectionError);
    seen.push(`disconnected: ${err.message}`);
  });
  session.on("status", (status) => {
    seen.push(`status: ${status}`);
    if (status === "offline") closed();
  });
  await session.start();
  await session.sendPresence();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    offline,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("still online after 10 s")),
        10_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  await session.stop();
  await fake.server.scripts();
  return { seen, received: fake.server.received() };
}

Deno.test("Session emits disconnected with the reason, then status offline", async (t) => {
  await t.step("the server closes the connection", async () => {
    const { seen } = await online(async () => {});
    assert.deepEqual(seen, [
      "status: connecting",
      "status: online",
      /^disconnected: The connection to "xmpps:\/\/127\.0\.0\.1:\d+" was lost: the server closed the connection$/
          .test(seen[2]!)
        ? seen[2]!
        : "(a lost connection)",
      "status: offline",
    ]);
  });
  await t.step(
    "a stanza over the limit, and we say why to the server",
    async () => {
      const { seen, received } = await online(async (peer) => {
        await peer.send("<message from='bob@localhost/x'><body>");
        await peer.flood("z".repeat(64 * 1024));
      });
      assert.match(
        seen[2]!,
        /^disconnected: Disconnected from "xmpps:\/\/127\.0\.0\.1:\d+": the server sent a stanza larger than 1 MiB \(policy-violation\)$/,
      );
      assert.equal(seen[3], "status: offline");
      assert.match(
        received,
        /<policy-violation xmlns=.urn:ietf:params:xml:ns:xmpp-streams.\/>/,
      );
    },
  );
  await t.step("a stream error", async () => {
    const { seen } = await online(async (peer) => {
      await peer.send(
        "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
      );
      await peer.closed;
    });
    assert.equal(
      seen[2],
      "disconnected: Signed out by the server: the server is shutting down (system-shutdown)",
    );
  });
  await t.step(
    "an acknowledgement of stanzas never sent (XEP-0198)",
    async () => {
      const { seen, received } = await online(async (peer) => {
        await peer.send("<a xmlns='urn:xmpp:sm:3' h='99'/>");
        await peer.closed;
      });
      assert.match(
        seen[2]!,
        /the server acknowledged stanzas pidgin never sent \(undefined-condition\)$/,
      );
      assert.match(
        received,
        /<undefined-condition xmlns=.urn:ietf:params:xml:ns:xmpp-streams.\/>/,
      );
    },
  );
});

Deno.test("Session reports a replaced session as another client signing in, before going offline", async () => {
  await using prosody = await startProsody();
  await using first = createSession(await alice(prosody, "pidgin"));
  await first.start();
  const seen: string[] = [];
  first.on("disconnected", (err) => seen.push(`disconnected: ${err.message}`));
  first.on("status", (status) => seen.push(`status: ${status}`));
  const offline = next(first, "status", (s) => s === "offline");
  await using second = createSession(await alice(prosody, "pidgin"));
  await second.start();
  await offline;
  assert.deepEqual(seen, [
    'disconnected: Signed out by the server: another client signed in as "alice@localhost/pidgin" (conflict)',
    "status: offline",
  ]);
  await assert.rejects(
    first.sendMessage("bob@localhost", "hi"),
    /another client signed in/,
  );
});
