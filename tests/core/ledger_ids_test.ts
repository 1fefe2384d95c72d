import assert from "node:assert/strict";
import { ledgerIds } from "../../src/core/messaging.ts";
import { openMessageLedger } from "../../src/store/message_ledger.ts";
import type { ChatMessage } from "../../src/xmpp/mod.ts";

function fromBob(id: string, body: string, sentAt: Date): ChatMessage {
  return {
    direction: "in",
    contact: "bob@x",
    from: "bob@x/bot",
    fromBare: "bob@x",
    body,
    id,
    source: "live",
    receiptRequested: false,
    sentAt,
    delayed: false,
  };
}

// Clients number their ids from 1 in every run: a nightly "build ok" with id
// "1" is a new message each night. Only a copy near the original's time (a
// redelivery, or the same stanza reaching a second pidgin process) is the
// same message.
Deno.test("a message without archive id or origin-id is known by its sender's id and text only near its time", async () => {
  const purple = await Deno.makeTempDir();
  try {
    const night = new Date("2026-11-30T02:00:00Z");
    const first = fromBob("1", "build ok", night);
    const ledger = openMessageLedger(purple, "alice@x");
    ledger.record({
      path: "",
      start: 0,
      length: 0,
      hash: "",
      ids: ledgerIds(first, "alice@x"),
    });
    ledger.close();

    const again = openMessageLedger(purple, "alice@x");
    const seen = (m: ChatMessage) =>
      ledgerIds(m, "alice@x").some((id) => again.has(id));
    // Delivered again from offline storage, stamped 40 s off our clock.
    assert.ok(
      seen(fromBob("1", "build ok", new Date(night.getTime() + 40_000))),
    );
    // The next night's build: same id, same text, a new message.
    assert.ok(
      !seen(fromBob("1", "build ok", new Date(night.getTime() + 86_400_000))),
    );
    // Same id, other text: another message at any time.
    assert.ok(!seen(fromBob("1", "build failed", night)));
    again.close();
  } finally {
    await Deno.remove(purple, { recursive: true });
  }
});
