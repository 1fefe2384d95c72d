import assert from "node:assert/strict";
import { createSession } from "../../src/xmpp/mod.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice, next } from "./_prosody_session.ts";
import { connectRaw } from "./_raw_client.ts";

Deno.test("Session ignores a roster push from our own other resource and answers it with an error", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  await session.getRoster(); // the server pushes to resources that fetched it
  const pushed: string[] = [];
  session.on("roster", (item) => pushed.push(item.jid));
  await using evil = await connectRaw(
    prosody,
    { jid: "alice@localhost", password: "alice-secret-pw" },
    "evil",
  );
  await evil.send(
    "<iq type='set' id='push1' to='alice@localhost/pidgin'>" +
      "<query xmlns='jabber:iq:roster'><item jid='mallory@evil.example' name='Mallory'/></query></iq>",
  );
  const answer = await evil.expect(
    /<iq[^>]*id=.push1.[^>]*(\/>|>[\s\S]*?<\/iq>)/,
  );
  assert.match(answer, /type=.error./);
  assert.match(answer, /service-unavailable/);
  // The server's own push (another resource adds a contact) still applies.
  await using other = createSession(await alice(prosody, "other"));
  await other.start();
  const dave = next(session, "roster", (item) => item.jid === "dave@localhost");
  await other.updateContact("dave@localhost", { name: "Dave" });
  await dave;
  assert.deepEqual(pushed, ["dave@localhost"]);
});
