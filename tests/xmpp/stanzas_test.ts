import assert from "node:assert/strict";
import { xml } from "../../src/xmpp/_xmpp_js.ts";
import { toChatMessage } from "../../src/xmpp/stanzas.ts";

const live = { ownBare: "alice@localhost", source: "live" } as const;

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
    const message = toChatMessage(delayed("2099-01-01T00:00:00Z"), {
      ...live,
      receivedAt,
    });
    assert.deepEqual(message?.sentAt, receivedAt);
    assert.equal(message?.delayed, true);
  });
  await t.step("a stamp in the past is kept", () => {
    const message = toChatMessage(delayed("2026-04-30T08:00:00Z"), {
      ...live,
      receivedAt,
    });
    assert.deepEqual(message?.sentAt, new Date("2026-04-30T08:00:00Z"));
  });
  await t.step("a stamp that is not a date is ignored", () => {
    const message = toChatMessage(delayed("soon"), { ...live, receivedAt });
    assert.deepEqual(message?.sentAt, receivedAt);
    assert.equal(message?.delayed, false);
  });
});

Deno.test("toChatMessage() keeps only our own archive's stanza-id, and the origin-id", () => {
  const stanza = xml(
    "message",
    { from: "bob@localhost/phone", to: "alice@localhost", type: "chat" },
    xml("body", {}, "hi"),
    xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "bob@localhost", id: "b" }),
    xml("stanza-id", {
      xmlns: "urn:xmpp:sid:0",
      by: "Alice@localhost",
      id: "a",
    }),
    xml("origin-id", { xmlns: "urn:xmpp:sid:0", id: "o" }),
    xml("request", { xmlns: "urn:xmpp:receipts" }),
  );
  const message = toChatMessage(stanza, live);
  assert.equal(message?.stanzaId, "a");
  assert.equal(message?.originId, "o");
  assert.equal(message?.receiptRequested, true);
  assert.equal(message?.direction, "in");
  assert.equal(message?.contact, "bob@localhost");
  const forged = toChatMessage(
    xml(
      "message",
      { from: "bob@localhost/phone", type: "chat" },
      xml("body", {}, "hi"),
      xml("stanza-id", {
        xmlns: "urn:xmpp:sid:0",
        by: "bob@localhost",
        id: "b",
      }),
    ),
    live,
  );
  assert.equal(forged?.stanzaId, undefined);
});

Deno.test("toChatMessage() reads a copy of our own message as outgoing, to its recipient", () => {
  const stanza = xml(
    "message",
    { from: "alice@localhost/phone", to: "Bob@localhost", type: "chat" },
    xml("body", {}, "sent elsewhere"),
  );
  const copy = toChatMessage(stanza, {
    ownBare: "alice@localhost",
    source: "carbon",
  });
  assert.equal(copy?.direction, "out");
  assert.equal(copy?.contact, "bob@localhost");
  // Live, a message from our own other client is one we received.
  assert.equal(toChatMessage(stanza, live)?.direction, "in");
});

Deno.test("toChatMessage() keeps at most 256 characters of a sender's id: it is kept in memory and in the ledger", () => {
  const message = toChatMessage(
    xml(
      "message",
      { from: "bob@localhost/phone", type: "chat", id: "x".repeat(100_000) },
      xml("body", {}, "hi"),
    ),
    live,
  );
  assert.equal(message?.id, "x".repeat(256));
});
