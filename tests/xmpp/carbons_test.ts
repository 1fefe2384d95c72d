import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { alice } from "./_prosody_session.ts";
import { record } from "./_reliable.ts";

const FORWARD = "urn:xmpp:forward:0";
const CARBONS = "urn:xmpp:carbons:2";

function wrapped(kind: "received" | "sent", inner: string): string {
  return `<message to='alice@localhost/pidgin' type='chat'><${kind} xmlns='${CARBONS}'>` +
    `<forwarded xmlns='${FORWARD}'>${inner}</forwarded></${kind}></message>`;
}

Deno.test("Session takes carbons of our other client's messages with their direction, and drops forged ones", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  const got = record(session);
  await session.start();
  await session.sendPresence();
  await session.roundTrip(); // carbons are enabled by now
  await using phone = await onlinePeer(
    prosody,
    "alice@localhost",
    "alice-secret-pw",
    "phone",
  );
  await using bob = await onlinePeer(prosody);

  await bob.sendMessage("alice@localhost/phone", "to the phone");
  await phone.sendMessage("bob@localhost", "from the phone");
  await got.count(2);

  // Another account wraps messages as if our server had copied them.
  await using mallory = await connectRawXmpp({
    port: prosody.port,
    caFile: prosody.caFile,
    jid: "bob@localhost",
    password: "bob-secret-pw",
    resource: "raw",
  });
  await mallory.send(wrapped(
    "received",
    "<message from='carol@localhost/x' to='alice@localhost/pidgin' type='chat'><body>forged in</body></message>",
  ));
  await mallory.send(wrapped(
    "sent",
    "<message from='alice@localhost/phone' to='carol@localhost' type='chat'><body>forged out</body></message>",
  ));
  await mallory.send(
    "<message to='alice@localhost/pidgin' type='chat'><body>after the forgeries</body></message>",
  );
  await got.count(3);

  assert.deepEqual(
    got.messages.map((m) => [m.body, m.direction, m.contact, m.source]),
    [
      ["to the phone", "in", "bob@localhost", "carbon"],
      ["from the phone", "out", "bob@localhost", "carbon"],
      ["after the forgeries", "in", "bob@localhost", "live"],
    ],
  );
  assert.equal(got.messages[1]!.from, "alice@localhost/phone");
  assert.equal(got.messages[1]!.to, "bob@localhost");
});
