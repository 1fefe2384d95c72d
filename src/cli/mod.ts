/**
 * The command tree, built with commander from the command records.
 *
 * @module
 */
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { UsageError } from "../errors.ts";
import { chatCommand } from "./chat.ts";
import type { CommandSpec } from "./command.ts";
import { createCliContext, type GlobalOptions } from "./context.ts";
import { rosterCommand } from "./roster.ts";
import { sendCommand } from "./send.ts";

export type { CommandSpec } from "./command.ts";

/** Every subcommand, in help order. */
export const COMMANDS: CommandSpec[] = [
  sendCommand,
  chatCommand,
  rosterCommand,
];

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

function buildProgram(): Command {
  const program = new Command("pidgin")
    .description("A terminal XMPP client that keeps Pidgin's logs")
    .version(VERSION, "-V, --version")
    .option("-j, --jid <jid>", "account JID (XMPP_JID)")
    .option(
      "-s, --server <host>",
      "server host or xmpp(s):// URI (XMPP_SERVER; default: SRV)",
    )
    .option("-p, --port <port>", "server port (XMPP_PORT)")
    .option(
      "-r, --resource <name>",
      "resource to bind (XMPP_RESOURCE; default: pidgin)",
    )
    .option("--ca-file <pem>", "extra CA certificates to trust (XMPP_CA_FILE)")
    .option(
      "--purple-dir <dir>",
      "Pidgin profile directory (PURPLE_HOME; default: ~/.purple)",
    )
    .addOption(
      new Option(
        "--log-format <format>",
        "chat log format (PIDGIN_LOG_FORMAT; default: txt)",
      )
        .choices(["txt", "html"]),
    )
    .option(
      "--timeout <seconds>",
      "give up connecting or waiting after this long",
      "15",
    )
    .option("-v, --verbose", "print the cause chain of errors")
    .addOption(new Option("--timings", "print step timings as JSON on stderr").hideHelp())
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ outputError: () => {} })
    .addHelpText(
      "after",
      "\nThe password comes from XMPP_PASSWORD (environment or .env), never from a flag.\n" +
        "Exit codes: 0 ok, 1 bug, 2 usage, 3 config/profile, 4 auth, 5 connection, 130 Ctrl-C.",
    );
  for (const spec of COMMANDS) {
    const command = program.command(spec.name)
      .description(spec.summary)
      .exitOverride()
      .configureOutput({ outputError: () => {} })
      .addHelpText(
        "after",
        `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join("\n")}`,
      );
    if (spec.args) command.arguments(spec.args);
    for (const option of spec.options ?? []) {
      command.option(option.flags, option.description);
    }
    command.action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as Command;
      const globals = program.opts() as GlobalOptions;
      const args = cmd.args.map(String);
      await spec.run(args, cmd.opts(), createCliContext(globals));
    });
  }
  return program;
}

/** Whether `--verbose` is among the arguments, for error reports. */
export function wantsVerbose(args: string[]): boolean {
  return args.includes("--verbose") || args.includes("-v");
}

/**
 * Runs the CLI with `args` (without the program name). Resolves when the
 * command has finished; throws `AppError`s for expected failures.
 */
export async function runCli(args: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return; // --help, --version
      const message = err.message.replace(/^error: /, "").replace(
        /\s*\n\s*/g,
        " ",
      );
      throw new UsageError(message.charAt(0).toUpperCase() + message.slice(1), {
        hint: "Run pidgin --help for usage",
      });
    }
    throw err;
  }
}
