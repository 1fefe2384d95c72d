/**
 * `deno task demo`: a private Prosody on loopback with you@localhost and
 * echo@localhost, an echo contact, and `pidgin chat echo@localhost` in this
 * terminal. Reuses the test harness (tests/_support/prosody.ts).
 */
import { join } from "node:path";
import { createSession } from "../src/xmpp/mod.ts";
import { startProsody } from "../tests/_support/prosody.ts";
import { cliCommand } from "../tests/_support/run_cli.ts";

const YOU = { jid: "you@localhost", password: "you-demo-pw" };
const ECHO = { jid: "echo@localhost", password: "echo-demo-pw" };

let prosody;
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
const purpleDir = join(server.dir, "purple");

await using echo = createSession({
  ...ECHO,
  resource: "bot",
  server: "127.0.0.1",
  port: server.port,
  extraCa: await Deno.readTextFile(server.caFile),
});
await echo.start();
await echo.sendPresence("chat", "I repeat what you say");
echo.on("message", (m) => {
  echo.sendMessage(
    m.from,
    m.body.startsWith("/me ")
      ? `/me also ${m.body.slice(4)}`
      : `echo: ${m.body}`,
  )
    .catch(() => {});
});

console.error(
  `demo: Prosody on 127.0.0.1:${server.port}; logs go to ${purpleDir}/logs`,
);
console.error(
  "demo: type a line and press Enter; /me waves; /quit or Ctrl-D to leave\n",
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
  },
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
const status = await chat.status;
if (!Deno.stdin.isTerminal()) {
  for await (
    const entry of Deno.readDir(
      join(purpleDir, "logs/jabber/you@localhost/echo@localhost"),
    )
  ) {
    console.error(`demo: log ${entry.name}:`);
    console.error(
      await Deno.readTextFile(
        join(purpleDir, "logs/jabber/you@localhost/echo@localhost", entry.name),
      ),
    );
  }
}
Deno.exitCode = status.code;
