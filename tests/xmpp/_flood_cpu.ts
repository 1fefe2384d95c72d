/**
 * CPU per received message of a session during a flood, in process, against
 * the test Prosody: a raw client (cheap: one prepared string) floods alice,
 * whose session receives. Not a test; run it by hand to compare versions:
 *
 *   deno run -A tests/xmpp/_flood_cpu.ts [messages] [rounds]
 *
 * With a message handler set (when the session has `setMessageHandler`) the
 * figure includes acknowledging after the handler resolved.
 */
import process from "node:process";
import { createSession, type Session } from "../../src/xmpp/mod.ts";
import { startProsody } from "../_support/prosody.ts";
import { connectRawXmpp } from "../_support/raw_xmpp.ts";
import { alice } from "./_prosody_session.ts";

const COUNT = Number(Deno.args[0] ?? 5000);
const ROUNDS = Number(Deno.args[1] ?? 3);

await using prosody = await startProsody();
await using session: Session = createSession(await alice(prosody, "flood"));
await session.start();
await session.sendPresence();
await session.roundTrip();
await using bob = await connectRawXmpp({
  port: prosody.port,
  caFile: prosody.caFile,
  jid: "bob@localhost",
  password: "bob-secret-pw",
});

let received = 0;
let wake: () => void = () => {};
const count = (n: number) => {
  received += n;
  if (received >= COUNT) wake();
};
const withHandler = "setMessageHandler" in session &&
  Deno.env.get("FLOOD_EVENTS") === undefined;
if (withHandler) {
  (session as unknown as {
    setMessageHandler(h: (b: unknown[]) => Promise<void>): void;
  }).setMessageHandler((batch) => {
    count(batch.length);
    return Promise.resolve();
  });
} else {
  session.on("message", () => count(1));
}

const figures: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  received = 0;
  const done = new Promise<void>((resolve) => (wake = resolve));
  let xml = "";
  for (let i = 1; i <= COUNT; i++) {
    xml +=
      `<message to='alice@localhost/flood' type='chat' id='r${round}m${i}'>` +
      `<body>message ${i} of round ${round}</body></message>`;
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  await bob.send(xml);
  await done;
  await session.roundTrip();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const perMessage = (used.user + used.system) / COUNT;
  figures.push(perMessage);
  console.log(
    `round ${round + 1}: ${COUNT} messages in ${wall.toFixed(0)} ms, ` +
      `${perMessage.toFixed(1)} µs CPU per message (handler: ${withHandler})`,
  );
}
figures.sort((a, b) => a - b);
console.log(
  `median ${figures[Math.floor(figures.length / 2)]!.toFixed(1)} µs/message`,
);
