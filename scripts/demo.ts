/**
 * `deno task demo`: a private Prosody on loopback with you@localhost and
 * echo@localhost (already in each other's roster), an echo contact, the
 * ticket backend of docs/ticket-api.yaml with an agent who answers, and
 * `pidgin chat echo@localhost` in this terminal. The profile with its logs
 * is kept afterwards. Reuses the test harness (tests/_support/).
 */
import { join } from "node:path";
import { createSession, type Session } from "../src/xmpp/mod.ts";
import { startContractServer } from "../tests/_support/contract_server.ts";
import { type Prosody, startProsody } from "../tests/_support/prosody.ts";
import { cliCommand } from "../tests/_support/run_cli.ts";

const YOU = { jid: "you@localhost", password: "you-demo-pw" };
const ECHO = { jid: "echo@localhost", password: "echo-demo-pw" };

let prosody: Prosody;
try {
  prosody = await startProsody({ accounts: [YOU, ECHO] });
} catch (err) {
  console.error(
    `demo: ${err instanceof Error ? err.message.split("\n")[0] : err}`,
  );
  console.error("hint: Install Prosody with: apt-get install prosody openssl");
  Deno.exit(3);
}
await using server = prosody;
await using backend = startContractServer();
const purpleDir = await Deno.makeTempDir({ prefix: "pidgin-demo-profile-" });
const extraCa = await Deno.readTextFile(server.caFile);
const connect = async (
  account: { jid: string; password: string },
  resource: string,
): Promise<Session> => {
  const session = createSession({
    ...account,
    resource,
    server: "127.0.0.1",
    port: server.port,
    extraCa,
  });
  await session.start();
  return session;
};

// you and echo see each other's presence, as after /add and /accept.
await using echo = await connect(ECHO, "bot");
{
  await using you = await connect(YOU, "setup");
  await you.updateContact(ECHO.jid, { name: "Echo", groups: ["Demo"] });
  await you.requestSubscription(ECHO.jid);
  await echo.answerSubscription(YOU.jid, true);
  await echo.requestSubscription(YOU.jid);
  await you.answerSubscription(ECHO.jid, true);
  await you.roundTrip();
}
await echo.sendPresence("chat", "I repeat what you say");
echo.on("message", (m) => {
  echo.sendMessage(
    m.from,
    m.body.startsWith("/me ")
      ? `/me also ${m.body.slice(4)}`
      : `echo: ${m.body}`,
  ).catch(() => {});
});

// An agent answers each new ticket once, as a help desk would.
const answered = new Set<string>();
const agent = setInterval(() => {
  for (const ticket of backend.tickets()) {
    if (answered.has(ticket.id)) continue;
    answered.add(ticket.id);
    backend.agentReply(ticket.id, "Thanks, I am on it", "pending");
  }
}, 500);

console.error(
  `demo: Prosody on 127.0.0.1:${server.port}, ticket backend on ${backend.url}`,
);
console.error(`demo: the Pidgin profile is ${purpleDir} (kept afterwards)`);
console.error(
  "demo: type a line and press Enter; /me waves; /ticket <problem> opens a ticket; /help; /quit or Ctrl-D to leave\n",
);
const [deno, ...args] = cliCommand("chat", ECHO.jid, ...Deno.args);
const chat = new Deno.Command(deno!, {
  args,
  env: {
    ...server.env,
    XMPP_JID: YOU.jid,
    XMPP_PASSWORD: YOU.password,
    XMPP_RESOURCE: "demo",
    PURPLE_HOME: purpleDir,
    API_BASE_URL: backend.url,
    API_TOKEN: backend.token,
    TICKET_SYNC_INTERVAL: "2",
  },
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
const status = await chat.status;
clearInterval(agent);
const logs = join(purpleDir, "logs/jabber/you@localhost/echo@localhost");
if (!Deno.stdin.isTerminal()) {
  try {
    for await (const entry of Deno.readDir(logs)) {
      console.error(`demo: log ${entry.name}:`);
      console.error(await Deno.readTextFile(join(logs, entry.name)));
    }
  } catch {
    console.error("demo: nothing was logged");
  }
}
console.error(`demo: the conversation's logs are in ${logs}`);
console.error(
  `demo: read them again with: PURPLE_HOME=${purpleDir} XMPP_JID=${YOU.jid} deno task pidgin log echo@localhost`,
);
Deno.exitCode = status.code;
