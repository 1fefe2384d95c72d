/**
 * Sends the flood for the receive benchmark with stock `@xmpp/client`,
 * without waiting for acks. Reads commands on stdin: `warmup <to>` sends one
 * "warmup" message, `flood <to> <n>` sends n messages "m1".."mn". Prints
 * "ok" after each command. Usage: flood_sender.ts <service> <jid> <password>
 */
// @ts-types="npm:@types/xmpp__client@0.14.1"
import { client, xml } from "@xmpp/client";

const [service, jid, password] = Deno.args;
const [username, domain] = jid!.split("@");
const xmpp = client({ service, domain, username, password, resource: "flood" });
xmpp.reconnect.stop();
xmpp.on("error", (err) => console.error(String(err)));
await xmpp.start();
console.log("ok");
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
let buffered = "";
for await (const chunk of lines) {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const [cmd, to, n] = buffered.slice(0, nl).split(" ");
    buffered = buffered.slice(nl + 1);
    if (cmd === "warmup") {
      await xmpp.send(
        xml("message", { to, type: "chat" }, xml("body", {}, "warmup")),
      );
    }
    if (cmd === "flood") {
      const count = Number(n);
      // Ids unique per flood, as a real client's are: the same id with the
      // same text within minutes is one message to pidgin.
      const run = crypto.randomUUID().slice(0, 8);
      for (let i = 1; i <= count; i += 100) {
        const batch = [];
        for (let j = i; j < i + 100 && j <= count; j++) {
          batch.push(
            xml(
              "message",
              { to, type: "chat", id: `f${run}-${j}` },
              xml("body", {}, `m${j}`),
            ),
          );
        }
        await xmpp.sendMany(batch);
      }
    }
    console.log("ok");
  }
}
await xmpp.stop();
Deno.exit(0);
