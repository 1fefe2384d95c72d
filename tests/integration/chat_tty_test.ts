import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  nextMessages,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { cliCommand } from "../_support/run_cli.ts";
import { startTerminal } from "../_support/tmux.ts";

Deno.test("chat in a terminal prints an incoming message above the prompt and keeps the half-typed line", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using bob = await onlinePeer(prosody);
  await using term = await startTerminal(
    cliCommand("chat", "bob@localhost"),
    {
      env: {
        ...aliceEnv(prosody, purple),
        NO_COLOR: "1",
        PATH: Deno.env.get("PATH") ?? "",
      },
    },
  );
  await term.waitFor(
    (s) => s.some((l) => l.startsWith("Chatting with bob@localhost")),
    "the greeting",
  );
  await term.waitFor((s) => s.includes("bob@localhost>"), "the prompt");

  await term.type("half typed");
  await term.waitFor(
    (s) => s.includes("bob@localhost> half typed"),
    "the typed text",
  );
  const greeting = nextMessages(bob, 1);
  await term.press("Enter");
  const [first] = await greeting;
  assert.equal(first!.body, "half typed");

  await term.type("second li");
  await term.waitFor(
    (s) => s.includes("bob@localhost> second li"),
    "the second line",
  );
  await bob.sendMessage(first!.from, "incoming while typing");
  const screen = await term.waitFor(
    (s) => s.some((l) => l.endsWith("bob@localhost: incoming while typing")),
    "the incoming message",
  );
  const shown = screen.filter((l) => l !== "");
  assert.match(
    shown.at(-2)!,
    /^\d\d:\d\d:\d\d bob@localhost: incoming while typing$/,
  );
  assert.equal(shown.at(-1), "bob@localhost> second li");

  const second = nextMessages(bob, 1);
  await term.type("ne");
  await term.press("Enter");
  assert.equal((await second)[0]!.body, "second line");
  await term.press("C-d");
  const status = await term.exitStatus();
  assert.equal(status, 0, (await term.screen()).join("\n"));

  const [log] = await readConversationLogs(purple, "bob@localhost");
  const lines = log!.text.split("\n").slice(1, 4).map((l) =>
    l.replace(/^\(\d\d:\d\d:\d\d [AP]M\) /, "")
  );
  assert.deepEqual(lines, [
    "alice@localhost/pidgin: half typed",
    "bob@localhost: incoming while typing",
    "alice@localhost/pidgin: second line",
  ]);
});

Deno.test("chat in a terminal shows the connection in the prompt while the server is down, and the half-typed line survives", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  await using term = await startTerminal(
    cliCommand("chat", "bob@localhost"),
    {
      env: {
        ...aliceEnv(prosody, purple),
        NO_COLOR: "1",
        PATH: Deno.env.get("PATH") ?? "",
      },
    },
  );
  await term.waitFor((s) => s.includes("bob@localhost>"), "the prompt");
  await term.type("while down");
  await prosody.restart({
    whileDown: () =>
      term.waitFor(
        (s) =>
          s.some((l) =>
            /^\[reconnecting(…| in \d+ s)\] bob@localhost> while down$/.test(l)
          ),
        "the reconnecting prompt",
      ),
  });
  const screen = await term.waitFor(
    (s) => s.filter((l) => l !== "").at(-1) === "bob@localhost> while down",
    "the prompt back to normal",
    30_000,
  );
  assert.ok(
    screen.some((l) => l.startsWith("Connection lost; reconnecting")),
    screen.join("\n"),
  );
  assert.ok(
    screen.some((l) => l.startsWith("Reconnected")),
    screen.join("\n"),
  );
  await using bob = await onlinePeer(prosody);
  const got = nextMessages(bob, 1);
  await term.press("Enter");
  assert.equal((await got)[0]!.body, "while down");
  await term.press("C-d");
  assert.equal(await term.exitStatus(), 0);
});
