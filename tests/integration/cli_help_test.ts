import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("help and version are printed from the command records, exit 0", async (t) => {
  await t.step("pidgin --help lists every exit code, 6 included", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: pidgin \[options\] <command>/);
    assert.match(result.stdout, /6 ticket backend/);
    assert.ok(!result.stdout.includes("--timings"), "hidden flag stays hidden");
  });
  for (
    const args of [["send", "--help"], ["help", "send"], ["-v", "send", "-h"]]
  ) {
    await t.step(`pidgin ${args.join(" ")}`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: pidgin \[options\] send /);
      assert.match(result.stdout, /Examples:\n {2}\$ pidgin send/);
    });
  }
  await t.step("pidgin ticket --help lists the ticket commands", async () => {
    const result = await runCli(["ticket", "--help"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Commands:\n {2}create <jid> \[message\.\.\.\]/,
    );
  });
  await t.step("pidgin --version", async () => {
    const result = await runCli(["--version"]);
    assert.deepEqual([result.code, result.stdout], [0, "0.1.0\n"]);
  });
});

Deno.test("a resource named like a command is an option value, not a command", async () => {
  await using prosody = await startProsody();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"));
  const result = await runCli(["-r", "chat", "interactive"], {
    env,
    stdin: "/quit\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  const bare = await runCli(["-r", "chat"], { env, stdin: "/quit\n" });
  assert.equal(bare.code, 0, bare.stderr);
  assert.ok(!bare.stdout.includes("Usage:"), bare.stdout);
});

Deno.test("a command's --help works in a terminal too", async () => {
  const { startTerminal } = await import("../_support/tmux.ts");
  const { cliCommand } = await import("../_support/run_cli.ts");
  await using term = await startTerminal(cliCommand("send", "--help"), {
    env: { PATH: Deno.env.get("PATH") ?? "" },
    rows: 50,
  });
  assert.equal(await term.exitStatus(), 0);
  const screen = (await term.screen()).join("\n");
  assert.match(screen, /^Examples:\n {2}\$ pidgin send /m);
  assert.ok(!screen.includes("Requires env access"), screen);
});
