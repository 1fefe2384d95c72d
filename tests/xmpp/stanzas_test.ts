import assert from "node:assert/strict";
import { xml } from "../../src/xmpp/_xmpp_js.ts";
import { toChatMessage } from "../../src/xmpp/stanzas.ts";

function delayed(stamp: string) {
  return xml(
    "message",
    { from: "bob@localhost/phone", type: "chat", id: "m1" },
    xml("body", {}, "hi"),
    xml("delay", { xmlns: "urn:xmpp:delay", stamp }),
  );
}

Deno.test("toChatMessage() never dates a message after it arrived", async (t) => {
  const receivedAt = new Date("2026-05-01T12:00:00Z");
  await t.step("a stamp in the future is not believed", () => {
    const message = toChatMessage(delayed("2099-01-01T00:00:00Z"), receivedAt);
    assert.deepEqual(message?.sentAt, receivedAt);
    assert.equal(message?.delayed, true);
  });
  await t.step("a stamp in the past is kept", () => {
    const message = toChatMessage(delayed("2026-04-30T08:00:00Z"), receivedAt);
    assert.deepEqual(message?.sentAt, new Date("2026-04-30T08:00:00Z"));
  });
  await t.step("a stamp that is not a date is ignored", () => {
    const message = toChatMessage(delayed("soon"), receivedAt);
    assert.deepEqual(message?.sentAt, receivedAt);
    assert.equal(message?.delayed, false);
  });
});
