import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import type { FakePeer } from "../_support/fake_server.ts";
import {
  mechanisms,
  openStream,
  serveBind,
  serveScram,
  startTlsFake,
} from "./_fake_login.ts";

Deno.test("Session.start() checks what the server binds", async (t) => {
  async function bindWith(answer: (peer: FakePeer) => Promise<void>) {
    await using fake = await startTlsFake(async (peer) => {
      await openStream(peer, mechanisms(["SCRAM-SHA-256"]));
      await serveScram(peer, await peer.expect(/<\/auth>/), { password: "pw" });
      await openStream(
        peer,
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>",
      );
      await answer(peer);
      await peer.closed;
    });
    await using session = createSession({
      jid: "alice@localhost",
      password: "pw",
      ...fake.service,
      timeoutMs: 5000,
    });
    const err = await session.start().then(() => undefined, (e: Error) => e);
    await session.stop();
    await fake.server.scripts();
    return err;
  }
  await t.step("another account's address", async () => {
    const err = await bindWith((peer) =>
      serveBind(peer, "mallory@evil.example/x")
    );
    assert.ok(err instanceof ConnectionError, String(err));
    assert.match(
      err.message,
      /bound "mallory@evil\.example\/x", which is not an address of "alice@localhost"$/,
    );
  });
  await t.step("an empty answer", async () => {
    const err = await bindWith(async (peer) => {
      const iq = await peer.expect(/<\/iq>/);
      await peer.send(
        `<iq type='result' id='${/id="([^"]+)"/.exec(iq)![1]}'/>`,
      );
    });
    assert.ok(err instanceof ConnectionError, String(err));
    assert.match(err.message, /bound an address that is not a JID$/);
  });
  await t.step("an error without a condition", async () => {
    const err = await bindWith(async (peer) => {
      const iq = await peer.expect(/<\/iq>/);
      await peer.send(`<iq type='error' id='${/id="([^"]+)"/.exec(iq)![1]}'/>`);
    });
    assert.ok(err instanceof ConnectionError, String(err));
    assert.match(
      err.message,
      /refused to bind the resource \(undefined-condition\)$/,
    );
  });
});
