import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startContractServer } from "../_support/contract_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { cliCommand } from "../_support/run_cli.ts";
import { startTerminal } from "../_support/tmux.ts";

const last = (s: string[]) => s.filter((l) => l !== "").at(-1) ?? "";

Deno.test("interactive mode in a terminal: leaving is clean", async (t) => {
  await using prosody = await startProsody();
  await using backend = startContractServer();
  const env = {
    ...aliceEnv(prosody, join(prosody.dir, "purple"), {
      API_BASE_URL: backend.url,
      API_TOKEN: backend.token,
    }),
    PATH: Deno.env.get("PATH") ?? "",
    PIDGIN_BELL: "off",
  };

  await t.step(
    "/quit after a failed command exits 0, with no prompt after it",
    async () => {
      await using term = await startTerminal(cliCommand(), { env });
      await term.waitFor((s) => last(s) === "pidgin>", "the prompt");
      await term.type("/chatt");
      await term.press("Enter");
      await term.waitFor(
        (s) => s.some((l) => l.startsWith('pidgin: Unknown command "/chatt"')),
        "the error",
      );
      await term.type("/quit");
      await term.press("Enter");
      assert.equal(await term.exitStatus(), 0);
      const screen = await term.screen();
      assert.equal(last(screen), "pidgin> /quit");
    },
  );

  await t.step(
    "a presence report that fails while quitting is reported, not a crash",
    async () => {
      await using term = await startTerminal(cliCommand(), { env });
      await term.waitFor((s) => last(s) === "pidgin>", "the prompt");
      // The report of going offline fails as the session ends.
      backend.fail({ kind: "status", status: 500 }, 1, "/presence");
      await term.type("/quit");
      await term.press("Enter");
      assert.equal(await term.exitStatus(), 0);
      const screen = (await term.screen()).join("\n");
      assert.ok(!screen.includes("readline was closed"), screen);
      assert.match(
        screen,
        /pidgin: Cannot report presence to the ticket backend/,
      );
    },
  );

  await t.step(
    "Ctrl-C with a half-typed line exits at once with 130",
    async () => {
      await using term = await startTerminal(
        cliCommand("chat", "bob@localhost"),
        {
          env,
        },
      );
      await term.waitFor(
        (s) => last(s) === "bob@localhost>",
        "the conversation prompt",
      );
      await term.type("half typed");
      await term.waitFor((s) => last(s).endsWith("half typed"), "the typing");
      await term.press("C-c");
      // Well before the 5 s typing-paused timer would have let it go.
      const code = await term.exitStatus(2000);
      assert.equal(code, 130, `exit ${code}`);
    },
  );
});
