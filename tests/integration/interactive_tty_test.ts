import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, nextMessages, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { cliCommand } from "../_support/run_cli.ts";
import { startTerminal } from "../_support/tmux.ts";
import type { ChatStateEvent, Session } from "../../src/xmpp/mod.ts";

function nextChatState(
  session: Session,
  state: ChatStateEvent["state"],
): Promise<ChatStateEvent> {
  return new Promise((resolve) => {
    const off = session.on("chatstate", (e) => {
      if (e.state !== state) return;
      off();
      resolve(e);
    });
  });
}

Deno.test("interactive mode in a terminal: completion, typing, unread counts, a half-typed line kept, hostile text harmless", async () => {
  await using prosody = await startProsody();
  await prosody.register({
    jid: "carol@localhost",
    password: "carol-secret-pw",
  });
  const purple = join(prosody.dir, "purple");
  {
    await using alice = await onlinePeer(
      prosody,
      "alice@localhost",
      "alice-secret-pw",
      "setup",
    );
    await alice.updateContact("bob@localhost");
  }
  await using bob = await onlinePeer(prosody);
  await using carol = await onlinePeer(
    prosody,
    "carol@localhost",
    "carol-secret-pw",
  );
  const env = {
    ...aliceEnv(prosody, purple),
    PATH: Deno.env.get("PATH") ?? "",
    PIDGIN_BELL: "off",
  };
  const command = cliCommand();
  const last = (s: string[]) => s.filter((l) => l !== "").at(-1) ?? "";

  {
    await using term = await startTerminal(command, { env });
    await term.waitFor(
      (s) => s.some((l) => l.startsWith("Online as alice@localhost/pidgin")),
      "the greeting",
    );
    await term.type("/ch");
    await term.press("Tab");
    await term.waitFor(
      (s) => last(s) === "pidgin> /chat",
      "the command completed, with its space",
    );
    await term.type("bo");
    await term.press("Tab");
    await term.waitFor(
      (s) => last(s) === "pidgin> /chat bob@localhost",
      "the JID completed",
    );
    await term.press("Enter");
    await term.waitFor(
      (s) => s.includes("Now chatting with bob@localhost (bob@localhost)"),
      "the switch",
    );

    const composing = nextChatState(bob, "composing");
    await term.type("half typ");
    const [from] = [(await composing).from];
    assert.equal(from.split("/")[0], "alice@localhost");

    await bob.sendChatState("alice@localhost", "composing");
    await term.waitFor(
      (s) => last(s) === "bob@localhost (typing…)> half typ",
      "bob typing",
    );
    await bob.sendMessage("alice@localhost", "a message while you type");
    // The message goes above, then the prompt comes back with the half-typed line.
    let screen = await term.waitFor(
      (s) =>
        s.some((l) => l.endsWith("bob@localhost: a message while you type")) &&
        last(s) === "bob@localhost> half typ",
      "the message above the prompt",
    );
    assert.match(
      screen.at(screen.indexOf("bob@localhost> half typ") - 1)!,
      /^\d\d:\d\d:\d\d bob@localhost: a message while you type$/,
    );

    await carol.sendMessage("alice@localhost", "psst");
    screen = await term.waitFor(
      (s) => last(s) === "[1 unread] bob@localhost> half typ",
      "the unread count",
    );
    assert.ok(
      screen.some((l) =>
        /^\(\d\d:\d\d:\d\d 1 unread from carol@localhost: psst\)$/.test(l)
      ),
    );

    await bob.sendMessage(
      "alice@localhost",
      "\x9b2J\x9b1;1H\x9d0;pwned\x9cstill \x9d8;;https://evil.example\x9chere\x9d8;;\x9c",
    );
    screen = await term.waitFor(
      (s) =>
        s.some((l) => l.endsWith("bob@localhost: still here")) &&
        last(s) === "[1 unread] bob@localhost> half typ",
      "the hostile message",
    );
    assert.ok(
      screen.some((l) => l.startsWith("Online as")),
      "the screen was not cleared",
    );
    assert.notEqual(await term.title(), "pwned");

    const sent = nextMessages(bob, 1);
    await term.type("ed");
    await term.press("Enter");
    assert.equal((await sent)[0]!.body, "half typed");
    await term.type("/quit");
    await term.press("Enter");
    assert.equal(await term.exitStatus(), 0);
  }

  const history = await Deno.readTextFile(
    join(purple, "pidgin", "alice@localhost", "input_history"),
  );
  assert.deepEqual(history.trim().split("\n"), [
    "/chat bob@localhost",
    "half typed",
    "/quit",
  ]);
  {
    // The history is there in the next run: Up brings back the last line.
    await using term = await startTerminal(command, { env });
    await term.waitFor((s) => last(s) === "pidgin>", "the prompt");
    await term.press("Up");
    await term.waitFor(
      (s) => last(s) === "pidgin> /quit",
      "the last line from the history",
    );
    await term.press("C-u");
    await term.press("C-d");
    assert.equal(await term.exitStatus(), 0);
  }
});
