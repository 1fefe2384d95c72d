/**
 * Baseline receiver for the flood benchmark: stock `@xmpp/client`, printing
 * each chat body on its own line, nothing else. Trusts the test CA through
 * DENO_CERT. Usage: bare_receiver.ts <service> <jid> <password>
 */
// @ts-types="npm:@types/xmpp__client@0.14.1"
import { client, xml } from "@xmpp/client";

const [service, jid, password] = Deno.args;
const [username, domain] = jid!.split("@");
const xmpp = client({ service, domain, username, password, resource: "bare" });
xmpp.reconnect.stop();
const encoder = new TextEncoder();
xmpp.on("stanza", (stanza) => {
  if (stanza.is("message")) {
    const body = stanza.getChildText("body");
    if (body !== null) Deno.stdout.writeSync(encoder.encode(`${body}\n`));
  }
});
xmpp.on("error", (err) => console.error(String(err)));
await xmpp.start();
await xmpp.send(xml("presence"));
// Runs until stdin closes.
for await (const _ of Deno.stdin.readable) { /* wait */ }
await xmpp.stop();
Deno.exit(0);
