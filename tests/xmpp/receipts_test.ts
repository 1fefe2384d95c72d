import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { alice, next } from "./_prosody_session.ts";
import { record } from "./_reliable.ts";

Deno.test("Session answers a receipt request only once the message was handled", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let handed: () => void = () => {};
  const inHandler = new Promise<void>((resolve) => (handed = resolve));
  record(session, async () => {
    handed();
    await released;
  });
  await session.start();
  await session.sendPresence();
  await using bob = await onlinePeer(prosody);
  const receipts: string[] = [];
  bob.on("receipt", (r) => receipts.push(r.id));
  const sent = await bob.sendMessage("alice@localhost/pidgin", "log me");
  await inHandler;
  await session.roundTrip();
  await bob.roundTrip();
  assert.deepEqual(receipts, [], "no receipt before it is logged");
  const receipt = next(bob, "receipt");
  release();
  assert.deepEqual(await receipt, {
    id: sent.id,
    from: "alice@localhost/pidgin",
  });
});

Deno.test("Session announces a receipt only from the contact the message went to", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  await session.sendPresence();
  await using mallory = await connectRawXmpp({
    port: prosody.port,
    caFile: prosody.caFile,
    jid: "bob@localhost",
    password: "bob-secret-pw",
    resource: "mallory",
  });
  await mallory.send("<presence/>");
  const receipts: string[] = [];
  session.on("receipt", (r) => receipts.push(`${r.id} ${r.from}`));
  const sent = await session.sendMessage("carol@localhost", "to carol");
  const request =
    `<message to='alice@localhost/pidgin'><received xmlns='urn:xmpp:receipts' id='${sent.id}'/></message>`;
  await mallory.send(request); // bob did not get it: not his to confirm
  await mallory.send(
    "<iq type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>",
  );
  await mallory.next((s) => s.is("iq") && s.attrs.id === "p");
  await session.roundTrip();
  assert.deepEqual(receipts, []);

  const toBob = await session.sendMessage("bob@localhost/mallory", "to bob");
  const got = await mallory.next((s) =>
    s.is("message") && s.getChildText("body") === "to bob"
  );
  assert.ok(got.getChild("request", "urn:xmpp:receipts"));
  assert.equal(
    got.getChild("origin-id", "urn:xmpp:sid:0")?.attrs.id,
    toBob.id,
  );
  const receipt = next(session, "receipt");
  await mallory.send(
    `<message to='alice@localhost/pidgin'><received xmlns='urn:xmpp:receipts' id='${toBob.id}'/></message>`,
  );
  assert.deepEqual(await receipt, {
    id: toBob.id,
    from: "bob@localhost/mallory",
  });
});
