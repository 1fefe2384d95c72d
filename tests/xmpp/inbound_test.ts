import assert from "node:assert/strict";
import { createSession, type SessionEvents } from "../../src/xmpp/mod.ts";
import { Emitter } from "../../src/xmpp/_emitter.ts";
import { createInbound } from "../../src/xmpp/_inbound.ts";
import { xml } from "../../src/xmpp/_xmpp_js.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice, next } from "./_prosody_session.ts";

Deno.test("Session's error event carries the id of the message that failed", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  const failed = next(session, "error");
  const sent = await session.sendMessage("nobody@localhost", "anyone?");
  const error = await failed;
  assert.equal(error.id, sent.id);
  assert.equal(error.condition, "service-unavailable");
});

Deno.test("createInbound() remembers at most 64 resources of a contact, the newest", () => {
  const inbound = createInbound(new Emitter<SessionEvents>());
  for (let i = 0; i < 100; i++) {
    inbound.onPresence(xml("presence", { from: `bob@localhost/r${i}` }));
  }
  const kept = inbound.presencesOf("bob@localhost").map((p) => p.from);
  assert.equal(kept.length, 64);
  assert.equal(kept[0], "bob@localhost/r36");
  assert.equal(kept[63], "bob@localhost/r99");
  inbound.onPresence(
    xml("presence", { from: "bob@localhost/r99", type: "unavailable" }),
  );
  assert.equal(inbound.presencesOf("bob@localhost").length, 63);
});
