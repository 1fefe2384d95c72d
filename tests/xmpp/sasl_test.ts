import assert from "node:assert/strict";
import { AuthError } from "../../src/errors.ts";
import { createSession, DowngradeError } from "../../src/xmpp/mod.ts";
import type { FakePeer } from "../_support/fake_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice, optionsFor } from "./_prosody_session.ts";
import {
  mechanisms,
  NS_SASL,
  openStream,
  serveLogin,
  serveOnline,
  serveScram,
  startTlsFake,
} from "./_fake_login.ts";

const PASSWORD = "alice-secret-pw";
const CB = "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>" +
  "<channel-binding type='tls-server-end-point'/><channel-binding type='tls-exporter'/>" +
  "</sasl-channel-binding>";

/** XEP-0474 0.5.0 section 5.1, written out here independently of src/. */
async function ssdpHash(
  hash: string,
  names: string[],
  bindings?: string[],
  [item, list] = ["\x1e", "\x1f"],
): Promise<string> {
  let s = [...names].sort().join(item);
  if (bindings) s += list + [...bindings].sort().join(item);
  const digest = await crypto.subtle.digest(hash, new TextEncoder().encode(s));
  return new Uint8Array(digest).toBase64();
}

/** Runs a login against a TLS fake server running `run`; returns the outcome. */
async function login(
  run: (peer: FakePeer) => Promise<void>,
  pinnedMechanism?: string,
) {
  await using fake = await startTlsFake(run);
  await using session = createSession({
    jid: "alice@localhost",
    password: PASSWORD,
    ...fake.service,
    timeoutMs: 5000,
    pinnedMechanism,
  });
  const err = await session.start().then(() => undefined, (e: Error) => e);
  const mechanism = session.mechanism;
  await session.stop();
  await fake.server.scripts();
  return { err, mechanism, received: fake.server.received() };
}

function countAuth(received: string): number {
  return received.split("<auth ").length - 1;
}

Deno.test("Session.start() picks the strongest SCRAM whatever the order of the offer, and tells which", async () => {
  // ejabberd 23.01 lists PLAIN first and offers only the stored hash's SCRAM.
  const offer = ["PLAIN", "SCRAM-SHA-1"];
  const { err, mechanism } = await login(async (peer) => {
    await serveLogin(peer, {
      offer,
      password: PASSWORD,
      extra: `,h=${await ssdpHash("SHA-1", offer)}`,
    });
    await serveOnline(peer);
  });
  assert.equal(err, undefined);
  assert.equal(mechanism, "SCRAM-SHA-1");
});

Deno.test("Session.start() checks the XEP-0474 downgrade-protection hash", async (t) => {
  const offer = ["SCRAM-SHA-256", "PLAIN"];
  await t.step("matching, with channel-binding types", async () => {
    const { err, mechanism } = await login(async (peer) => {
      await serveLogin(peer, {
        offer,
        before: CB,
        password: PASSWORD,
        extra: `,h=${await ssdpHash("SHA-256", offer, [
          "tls-server-end-point",
          "tls-exporter",
        ])}`,
      });
      await serveOnline(peer);
    });
    assert.equal(err, undefined);
    assert.equal(mechanism, "SCRAM-SHA-256");
  });
  await t.step(
    "a list stripped on the way: refused before the proof",
    async () => {
      const { err, received } = await login(async (peer) => {
        const original = ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"];
        await serveLogin(peer, {
          offer,
          password: PASSWORD,
          extra: `,h=${await ssdpHash("SHA-256", original)}`,
        });
      });
      assert.ok(err instanceof AuthError, String(err));
      assert.match(err.message, /changed on the way \(XEP-0474/);
      assert.ok(!received.includes("<response"), "no proof sent");
    },
  );
  await t.step("the 0.3 form (d=, ',' and '|'), stripped", async () => {
    const { err } = await login(async (peer) => {
      await serveLogin(peer, {
        offer,
        password: PASSWORD,
        extra: `,d=${await ssdpHash(
          "SHA-256",
          [...offer, "SCRAM-SHA-1"],
          undefined,
          [
            ",",
            "|",
          ],
        )}`,
      });
    });
    assert.ok(err instanceof AuthError, String(err));
  });
});

Deno.test("Session.start() refuses SCRAM with fewer than 4096 iterations", async () => {
  const { err, received } = await login(async (peer) => {
    await serveLogin(peer, {
      offer: ["SCRAM-SHA-256"],
      password: PASSWORD,
      iterations: 1000,
    });
  });
  assert.ok(err instanceof AuthError, String(err));
  assert.equal(
    err.message,
    'Cannot log in as "alice@localhost": the server asks for 1000 iterations, fewer than the 4096 RFC 7677 requires',
  );
  assert.ok(!received.includes("<response"), "no proof sent");
});

Deno.test("Session.start() authenticates once per connection", async () => {
  const { err, received } = await login(async (peer) => {
    await openStream(peer, mechanisms(["SCRAM-SHA-256"]));
    await serveScram(peer, await peer.expect(/<\/auth>/), {
      password: PASSWORD,
    });
    // After success, a new stream that asks for the password again, as PLAIN.
    await openStream(
      peer,
      mechanisms(["PLAIN"]) +
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>",
    );
    await peer.closed;
  });
  assert.ok(err instanceof AuthError, String(err));
  assert.match(err.message, /asked for the password a second time/);
  assert.equal(countAuth(received), 1, received);
  assert.ok(!/mechanism=["']PLAIN/.test(received), received);
});

Deno.test("Session.start() refuses a mechanism weaker than the pinned one", async (t) => {
  await t.step("PLAIN and SCRAM-SHA-1 after SCRAM-SHA-256", async () => {
    const { err, received } = await login(async (peer) => {
      await serveLogin(peer, {
        offer: ["PLAIN", "SCRAM-SHA-1"],
        password: PASSWORD,
      });
    }, "SCRAM-SHA-256");
    assert.ok(err instanceof DowngradeError, String(err));
    assert.ok(err instanceof AuthError);
    assert.equal(
      err.message,
      'Cannot log in as "alice@localhost": the server no longer offers SCRAM-SHA-256 (it offers PLAIN, SCRAM-SHA-1); refusing a downgrade to SCRAM-SHA-1',
    );
    assert.match(err.hint ?? "", /forget the mechanism remembered/);
    assert.equal(countAuth(received), 0, "no password sent");
  });
  await t.step("a stronger one is taken", async () => {
    const { err, mechanism } = await login(async (peer) => {
      await serveLogin(peer, {
        offer: ["SCRAM-SHA-1", "SCRAM-SHA-256"],
        password: PASSWORD,
      });
      await serveOnline(peer);
    }, "SCRAM-SHA-1");
    assert.equal(err, undefined);
    assert.equal(mechanism, "SCRAM-SHA-256");
  });
});

Deno.test("Session.start() refuses SASL steps out of order", async (t) => {
  await t.step("a second SCRAM challenge", async () => {
    const { err } = await login(async (peer) => {
      await openStream(peer, mechanisms(["SCRAM-SHA-256"]));
      await peer.expect(/<\/auth>/);
      const challenge = `<challenge xmlns='${NS_SASL}'>${
        new TextEncoder().encode("r=x,s=c2FsdA==,i=4096").toBase64()
      }</challenge>`;
      await peer.send(challenge + challenge);
      await peer.closed;
    });
    assert.ok(err instanceof AuthError, String(err));
  });
  await t.step("success without the SCRAM exchange", async () => {
    const { err } = await login(async (peer) => {
      await openStream(peer, mechanisms(["SCRAM-SHA-256"]));
      await peer.expect(/<\/auth>/);
      await peer.send(`<success xmlns='${NS_SASL}'/>`);
      await peer.closed;
    });
    assert.ok(err instanceof AuthError, String(err));
    assert.match(err.message, /success before the SCRAM exchange ended/);
  });
});

Deno.test("Session.mechanism tells which SASL mechanism logged in; maxStanzaBytes is the server's limit", async () => {
  await using prosody = await startProsody();
  await prosody.register({ jid: "carol@sha1.localhost", password: "carol-pw" });
  await using a = createSession(await alice(prosody));
  assert.equal(a.mechanism, undefined);
  await a.start();
  assert.equal(a.mechanism, "SCRAM-SHA-256");
  assert.equal(a.maxStanzaBytes, 262_144); // Prosody 0.12 advertises none
  await using c = createSession(
    await optionsFor(prosody, "carol@sha1.localhost", "carol-pw"),
  );
  await c.start();
  assert.equal(c.mechanism, "SCRAM-SHA-1");
});
