import assert from "node:assert/strict";
import { xml } from "../../src/xmpp/_xmpp_js.ts";
import { createReceipts } from "../../src/xmpp/receipts.ts";

function receipt(id: string, from: string) {
  return xml(
    "message",
    { from },
    xml("received", { xmlns: "urn:xmpp:receipts", id }),
  );
}

Deno.test("a receipt counts only for a message we sent, from the contact it went to; an unparsable from matches nothing", () => {
  const got: string[] = [];
  const receipts = createReceipts({
    onReceipt: (r) => got.push(`${r.id} ${r.from}`),
    send() {},
  });
  receipts.sent("m1", "bob@localhost");
  // Ids we never sent, from senders with no bare JID.
  for (const from of ["a@", "@", "/x"]) {
    receipts.onMessage(receipt("nope", from));
  }
  receipts.onMessage(receipt("m1", "carol@localhost/x"));
  assert.deepEqual(got, []);
  receipts.onMessage(receipt("m1", "bob@localhost/phone"));
  assert.deepEqual(got, ["m1 bob@localhost/phone"]);
});
