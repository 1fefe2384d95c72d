import assert from "node:assert/strict";
import { createFramer } from "../../src/xmpp/_framer.ts";

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

function framer(maxBytes = 1024 * 1024) {
  return createFramer({ maxBytes: () => maxBytes, maxDepth: 16 });
}

/** Pushes `chunks` and returns what came out, joined, and the violation. */
function run(chunks: string[], maxBytes?: number) {
  const f = framer(maxBytes);
  const out = chunks.map((c) => f.push(c)).join("");
  return { out, condition: f.violation?.condition };
}

Deno.test("createFramer() passes whole elements and drops whitespace between them", async (t) => {
  const stanza = "<message to='a@b'><body>x &amp; y</body></message>";
  await t.step("in one chunk", () => {
    assert.deepEqual(run([HEADER + " \n" + stanza + " <a/>"]), {
      out: HEADER + stanza + "<a/>",
      condition: undefined,
    });
  });
  await t.step("one character at a time", () => {
    const text = HEADER + stanza + " " + stanza + "</stream:stream>";
    assert.deepEqual(run([...text]), {
      out: HEADER + stanza + stanza + "</stream:stream>",
      condition: undefined,
    });
  });
  await t.step("holds back an element until it is complete", () => {
    const f = framer();
    assert.equal(f.push(HEADER + "<message><body>he"), HEADER);
    assert.equal(f.push("llo</body>"), "");
    assert.equal(f.push("</message>"), "<message><body>hello</body></message>");
  });
  await t.step("'>' and '<' where markup allows them", () => {
    const odd = "<m a='1>2' b=\"'\"><![CDATA[<not a tag>]]]></m>";
    assert.deepEqual(run([HEADER, odd]), {
      out: HEADER + odd,
      condition: undefined,
    });
  });
});

Deno.test("createFramer() refuses what RFC 6120 forbids in a stream", async (t) => {
  const cases: [string, string[], string][] = [
    ["a comment", [HEADER, "<!-- hi -->"], "restricted-xml"],
    ["a comment split over chunks", [HEADER, "<", "!", "-"], "restricted-xml"],
    ["a DOCTYPE", ["<!DOCTYPE x>", HEADER], "restricted-xml"],
    ["a processing instruction", [HEADER, "<?php x ?>"], "restricted-xml"],
    [
      "a second XML declaration",
      [HEADER, "<?xml version='1.0'?>"],
      "restricted-xml",
    ],
    ["garbage before the stream", ["garbage " + HEADER], "not-well-formed"],
    ["text between stanzas", [HEADER, "<a/>text"], "not-well-formed"],
    ["a closing tag first", ["</stream:stream>"], "not-well-formed"],
    ["an unquoted attribute", [HEADER, "<a b=c>"], "not-well-formed"],
    ["'<' in an attribute", [HEADER, "<a b='<'>"], "not-well-formed"],
    ["a bare '<'", [HEADER, "< a/>"], "not-well-formed"],
  ];
  for (const [name, chunks, condition] of cases) {
    await t.step(name, () => {
      assert.equal(run(chunks).condition, condition);
    });
  }
});

Deno.test("createFramer() keeps the elements before a violation", () => {
  const result = run([HEADER + "<a/><b/><!-- x --><c/>"]);
  assert.deepEqual(result, {
    out: HEADER + "<a/><b/>",
    condition: "restricted-xml",
  });
});

Deno.test("createFramer() bounds one stanza, in bytes, and the nesting depth", async (t) => {
  await t.step("a stanza over the limit", () => {
    const f = framer(1000);
    assert.equal(f.push(HEADER), HEADER);
    f.push("<message><body>" + "é".repeat(490));
    const violation = () => f.violation;
    assert.equal(violation(), undefined);
    f.push("é".repeat(10)); // 2 bytes each: now over 1000
    assert.equal(violation()?.condition, "policy-violation");
    assert.equal(
      violation()?.message,
      "the server sent a stanza larger than 1000 bytes",
    );
  });
  await t.step("many stanzas under the limit", () => {
    const f = framer(200);
    f.push(HEADER.slice(0, 150));
    f.push(HEADER.slice(150));
    for (let i = 0; i < 1000; i++) f.push("<message><body>hi</body></message>");
    assert.equal(f.violation, undefined);
  });
  await t.step("endless whitespace", () => {
    const f = framer(100);
    f.push(HEADER.slice(0, 90));
    f.push(HEADER.slice(90));
    for (let i = 0; i < 200 && !f.violation; i++) f.push(" ");
    assert.equal(f.violation?.condition, "policy-violation");
  });
  await t.step("nesting", () => {
    assert.equal(run([HEADER, "<a>".repeat(20)]).condition, "policy-violation");
  });
});

Deno.test("createFramer() takes time linear in the input", () => {
  // 8 MB of text in 4 KiB chunks: ltx alone re-scans the whole text per chunk.
  const f = framer(16 * 1024 * 1024);
  f.push(HEADER + "<message><body>");
  const chunk = "x".repeat(4096);
  const started = performance.now();
  for (let i = 0; i < 2048; i++) f.push(chunk);
  const out = f.push("</body></message>");
  assert.equal(out.length, 8 * 1024 * 1024 + 32);
  assert.ok(performance.now() - started < 2000, "well under 2 s");
});

Deno.test("createFramer() asks for the limit of an element with its start tag, however it is split", () => {
  const asked: (string | undefined)[] = [];
  const f = createFramer({
    maxBytes: (tag) => {
      asked.push(tag);
      return tag?.includes("id='big'") ? 10_000 : 100;
    },
    maxDepth: 16,
  });
  f.push(HEADER);
  const big = "<iq type='result' id='big'><query>" + "x".repeat(5000) +
    "</query></iq>";
  // Split inside the start tag, inside the attribute value, and in the text.
  for (const piece of [big.slice(0, 12), big.slice(12, 22), big.slice(22)]) {
    f.push(piece);
  }
  const violation = () => f.violation;
  assert.equal(violation(), undefined);
  assert.ok(asked.includes("iq type='result' id='big'>"), String(asked));
  f.push("<iq type='result' id='other'><query>" + "y".repeat(200));
  assert.equal(violation()?.condition, "policy-violation");
});
