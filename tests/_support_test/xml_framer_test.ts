import assert from "node:assert/strict";
import { createFramer } from "../_support/_xml_framer.ts";

Deno.test("createFramer() splits a stream into top-level elements however it is chunked", () => {
  const stream = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
    "xmlns:stream='http://etherx.jabber.org/streams' id='x'>" +
    "<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>" +
    "<message a='1 > 0' b=\"it's\"><body>x &lt; y</body><sub><x/></sub></message>" +
    "<r xmlns='urn:xmpp:sm:3'/></stream:stream>";
  const expected = [
    "<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>",
    "<message a='1 > 0' b=\"it's\"><body>x &lt; y</body><sub><x/></sub></message>",
    "<r xmlns='urn:xmpp:sm:3'/>",
  ];
  for (const size of [1, 2, 7, stream.length]) {
    const frame = createFramer();
    const elements: string[] = [];
    let ended = false;
    for (let i = 0; i < stream.length; i += size) {
      const frames = frame(stream.slice(i, i + size));
      elements.push(...frames.elements);
      ended ||= frames.ended;
    }
    assert.deepEqual(elements, expected, `chunks of ${size}`);
    assert.ok(ended, `chunks of ${size}`);
  }
});
