import assert from "node:assert/strict";
import type { ChatMessage, SessionEvents } from "../../src/xmpp/mod.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import { createDelivery } from "../../src/xmpp/_delivery.ts";
import { Emitter } from "../../src/xmpp/_emitter.ts";
import { createStreamManagement } from "../../src/xmpp/stream_management.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { alice } from "./_prosody_session.ts";
import { numbered, record } from "./_reliable.ts";

function message(i: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    direction: "in",
    contact: "bob@localhost",
    from: "bob@localhost/x",
    fromBare: "bob@localhost",
    body: `m${i}`,
    id: `id${i}`,
    source: "live",
    receiptRequested: false,
    sentAt: new Date(),
    delayed: false,
    ...extra,
  };
}

const noSm = () =>
  createStreamManagement({
    acked() {},
    lost() {},
    requested() {},
  });

Deno.test("createDelivery() holds reading back while the handler is far behind, and lets it go on once it caught up", async () => {
  const backlog: boolean[] = [];
  const delivery = createDelivery(
    new Emitter<SessionEvents>(),
    noSm(),
    (on) => backlog.push(on),
  );
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const handled: string[] = [];
  delivery.setHandler(async (batch) => {
    await released;
    handled.push(...batch.map((m) => m.body));
  });
  for (let read = 0; read < 11; read++) {
    for (let i = 0; i < 1000; i++) delivery.incoming(message(read * 1000 + i));
    delivery.endOfRead();
  }
  assert.deepEqual(backlog, [true]);
  release();
  const done = Promise.withResolvers<void>();
  delivery.page([message(99_999)]).then(() => done.resolve());
  await done.promise;
  assert.deepEqual(backlog, [true, false]);
  assert.equal(handled.length, 11_001);
});

Deno.test("createDelivery() pauses reading once 2,000 messages wait for the handler: a flood is left in the kernel's buffers, not parsed into memory", () => {
  const backlog: boolean[] = [];
  const delivery = createDelivery(
    new Emitter<SessionEvents>(),
    noSm(),
    (on) => backlog.push(on),
  );
  delivery.setHandler(() => new Promise<void>(() => {}));
  for (let read = 0; read < 2; read++) {
    for (let i = 0; i < 1000; i++) delivery.incoming(message(read * 1000 + i));
    delivery.endOfRead();
  }
  assert.deepEqual(backlog, []);
  delivery.incoming(message(2000));
  delivery.endOfRead();
  assert.deepEqual(backlog, [true]);
});

Deno.test("createDelivery() hands a message over once: by archive id, and a delayed copy of one without", async () => {
  const delivery = createDelivery(new Emitter<SessionEvents>(), noSm());
  const handled: string[] = [];
  delivery.setHandler((batch) => {
    handled.push(...batch.map((m) => m.body));
    return Promise.resolve();
  });
  delivery.incoming(message(1, { stanzaId: "s1" }));
  delivery.incoming(message(2));
  delivery.endOfRead();
  await delivery.page([
    message(1, { stanzaId: "s1", source: "archive" }),
    message(3, { stanzaId: "s3", source: "archive" }),
  ]);
  delivery.incoming(message(2, { delayed: true })); // from offline storage
  delivery.incoming(message(2, { delayed: false, body: "m2" })); // live: believed
  delivery.ownSent("mine");
  delivery.endOfRead();
  await delivery.page([
    message(4, {
      direction: "out",
      originId: "mine",
      stanzaId: "s4",
      source: "archive",
    }),
  ]);
  assert.deepEqual(handled, ["m1", "m2", "m3", "m2"]);
});

Deno.test("Session reads on after a handler that fell far behind caught up: nothing lost, nothing doubled", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const got = record(session, () => released);
  await session.start();
  await session.sendPresence();
  await session.roundTrip();
  await using bob = await connectRawXmpp({
    port: prosody.port,
    caFile: prosody.caFile,
    jid: "bob@localhost",
    password: "bob-secret-pw",
  });
  const count = 12_000;
  let xml = "";
  for (const body of numbered("m", count)) {
    xml +=
      `<message to='alice@localhost/pidgin' type='chat'><body>${body}</body></message>`;
  }
  await bob.send(xml);
  await bob.iq(
    "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>",
  );
  release();
  await got.count(count, 30_000);
  await session.roundTrip();
  assert.deepEqual(got.bodies(), numbered("m", count));
});
