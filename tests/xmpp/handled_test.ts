import assert from "node:assert/strict";
import { createHandledCounter } from "../../src/xmpp/_handled.ts";
import { createSentQueue } from "../../src/xmpp/_sent_queue.ts";
import { xml } from "../../src/xmpp/_xmpp_js.ts";

Deno.test("createHandledCounter() counts only what was handled without a gap", () => {
  const counter = createHandledCounter();
  counter.count(); // 1: handled at once
  counter.count(); // 2: held
  const release2 = counter.hold();
  counter.count(); // 3: handled at once, but after a held one
  assert.equal(counter.handled(), 1);
  release2();
  assert.equal(counter.handled(), 3);
});

Deno.test("createHandledCounter() after a resume drops what it had received and still counts it", () => {
  const counter = createHandledCounter();
  for (let i = 0; i < 3; i++) counter.count();
  const held = counter.hold(); // stanza 3 is being handled
  assert.equal(counter.handled(), 2);
  counter.resumed(2); // <resume h='2'/>: the server resends 3 …
  assert.equal(counter.count(), false, "stanza 3 again: dropped");
  assert.equal(counter.count(), true, "stanza 4: new");
  assert.equal(counter.handled(), 2);
  held();
  assert.equal(counter.handled(), 4);
  counter.reset();
  assert.equal(counter.handled(), 0);
});

Deno.test("createSentQueue() acknowledges in order and refuses an h beyond what was sent", () => {
  const acked: string[] = [];
  const lost: string[] = [];
  const queue = createSentQueue({
    acked: (s) => acked.push(String(s.attrs.id)),
    lost: (s, handled) => lost.push(`${s.attrs.id} ${handled}`),
  });
  for (const id of ["a", "b", "c"]) queue.push(xml("message", { id }));
  assert.equal(queue.ackTo(2), true);
  assert.deepEqual(acked, ["a", "b"]);
  assert.equal(queue.ackTo(1), true, "an old h changes nothing");
  assert.equal(queue.ackTo(5), false);
  queue.drop(false);
  assert.deepEqual(lost, ["c false"]);
  assert.equal(queue.acked, 0);
});
