import assert from "node:assert/strict";
import { describeChanges, toSendableText } from "../../src/text/outgoing.ts";

Deno.test("toSendableText() removes escape sequences and replaces what XML cannot carry", () => {
  const made = toSendableText(
    "\x1b[1;31merror:\x1b[0m build failed\x07\r\nline2\rline3\x00\ufffe\ud800!",
  );
  assert.equal(
    made.text,
    "error: build failed\ufffd\nline2\nline3\ufffd\ufffd\ufffd!",
  );
  assert.equal(made.escapes, 2);
  assert.equal(made.replaced, 4);
  assert.equal(
    describeChanges(made),
    "pidgin: Before sending, removed 2 terminal escape sequence(s) and replaced 4 character(s) XMPP cannot carry with U+FFFD",
  );
});

Deno.test("toSendableText() keeps ordinary text, tabs, emoji and paired surrogates", () => {
  const text = "tab\there 😀 日本語 <&>";
  assert.deepEqual(toSendableText(text), { text, escapes: 0, replaced: 0 });
  assert.equal(describeChanges(toSendableText(text)), undefined);
});
