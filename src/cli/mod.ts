/**
 * The command tree. Help and version are printed straight from the command
 * records; commander (loaded on demand) parses everything else.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { chatCommand } from "./chat.ts";
import type { CommandSpec } from "./command.ts";
import type { GlobalOptions } from "./context.ts";
import {
  formatCommandHelp,
  formatProgramHelp,
  GLOBAL_OPTIONS,
} from "./help.ts";
import { logCommand } from "./log.ts";
import { rosterCommand } from "./roster.ts";
import { sendCommand } from "./send.ts";

export type { CommandSpec } from "./command.ts";

/** Every subcommand, in help order. */
export const COMMANDS: CommandSpec[] = [
  sendCommand,
  chatCommand,
  rosterCommand,
  logCommand,
];

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

const HELP = new Set(["-h", "--help"]);

/** Help or version text when that is all `args` ask for, else `undefined`. */
function quickAnswer(args: string[]): string | undefined {
  const [first, ...rest] = args;
  if (
    first === undefined || HELP.has(first) ||
    (first === "help" && rest.length === 0)
  ) {
    return formatProgramHelp(COMMANDS);
  }
  if (first === "-V" || first === "--version") return `${VERSION}\n`;
  const spec = COMMANDS.find((c) =>
    c.name === (first === "help" ? rest[0] : first)
  );
  const ownArgs = rest.slice(
    0,
    rest.includes("--") ? rest.indexOf("--") : undefined,
  );
  if (spec && (first === "help" || ownArgs.some((a) => HELP.has(a)))) {
    return formatCommandHelp(spec);
  }
  return undefined;
}

async function parse(args: string[]): Promise<void> {
  const { Command, CommanderError, Option } = await import(
    "@commander-js/extra-typings"
  );
  const { createCliContext } = await import("./context.ts");
  const program = new Command("pidgin").exitOverride().configureOutput({
    outputError: () => {},
  });
  for (const spec of GLOBAL_OPTIONS) {
    if (/--(help|version)\b/.test(spec.flags)) continue;
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    program.addOption(option);
  }
  for (const spec of COMMANDS) {
    const command = program.command(spec.name).exitOverride().configureOutput({
      outputError: () => {},
    });
    if (spec.args) command.arguments(spec.args);
    for (const option of spec.options ?? []) {
      command.option(option.flags, option.description);
    }
    command.action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as typeof command;
      await spec.run(
        cmd.args.map(String),
        cmd.opts(),
        createCliContext(program.opts() as GlobalOptions),
      );
    });
  }
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
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

/** Whether `--verbose` is among the arguments, for error reports. */
export function wantsVerbose(args: string[]): boolean {
  return args.includes("--verbose") || args.includes("-v");
}

/**
 * Runs the CLI with `args` (without the program name). Resolves when the
 * command has finished; throws `AppError`s for expected failures.
 */
export async function runCli(args: string[]): Promise<void> {
  const answer = quickAnswer(args);
  if (answer !== undefined) {
    await Deno.stdout.write(new TextEncoder().encode(answer));
    return;
  }
  await parse(args);
}
