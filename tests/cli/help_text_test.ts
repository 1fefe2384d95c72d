import assert from "node:assert/strict";
import { formatProgramHelp } from "../../src/cli/help.ts";
import { PROGRAM_HELP } from "../../src/cli/help_text.ts";
import { COMMANDS } from "../../src/cli/mod.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("the help printed before the command tree loads is what the command records render", () => {
  assert.equal(
    PROGRAM_HELP,
    formatProgramHelp(COMMANDS),
    "src/cli/help_text.ts is out of date: run deno task gen:help",
  );
});

Deno.test("pidgin --help, help and --version print without loading any command, and exit 0", async () => {
  for (const args of [["--help"], ["help"], ["-h"]]) {
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, formatProgramHelp(COMMANDS));
  }
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});
