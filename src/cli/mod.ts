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
import { interactiveCommand } from "./interactive.ts";
import { logCommand } from "./log.ts";
import { rosterCommand } from "./roster.ts";
import { sendCommand } from "./send.ts";
import { ticketCommand } from "./ticket/mod.ts";

export type { CommandSpec } from "./command.ts";

/** Every subcommand, in help order. */
export const COMMANDS: CommandSpec[] = [
  sendCommand,
  chatCommand,
  rosterCommand,
  logCommand,
  ticketCommand,
  interactiveCommand,
];

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

const HELP = new Set(["-h", "--help"]);

/** The command a list of words names, descending into groups, with its path. */
function findCommand(
  words: string[],
): { spec: CommandSpec; path: string[] } | undefined {
  let list = COMMANDS;
  let found: { spec: CommandSpec; path: string[] } | undefined;
  for (const word of words) {
    const spec = list.find((c) => c.name === word);
    if (!spec) break;
    found = { spec, path: [...(found?.path ?? []), word] };
    list = spec.subcommands ?? [];
  }
  return found;
}

/** Help or version text when that is all `args` ask for, else `undefined`. */
function quickAnswer(args: string[]): string | undefined {
  const [first, ...rest] = args;
  if (first === undefined) return undefined; // the interactive session
  if (HELP.has(first) || (first === "help" && rest.length === 0)) {
    return formatProgramHelp(COMMANDS);
  }
  if (first === "-V" || first === "--version") return `${VERSION}\n`;
  const own = args.slice(
    0,
    args.includes("--") ? args.indexOf("--") : undefined,
  );
  const words = first === "help" ? rest : own.filter((a) => !a.startsWith("-"));
  const found = findCommand(words);
  if (!found) return undefined;
  const asksHelp = first === "help" || own.some((a) => HELP.has(a)) ||
    (found.spec.subcommands !== undefined && found.path.length === own.length);
  return asksHelp
    ? formatCommandHelp(found.spec, found.path.slice(0, -1))
    : undefined;
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
  type AnyCommand =
    & { command(name: string): AnyCommand }
    & InstanceType<typeof Command>;
  const add = (parent: AnyCommand, spec: CommandSpec) => {
    const command = parent.command(spec.name).exitOverride().configureOutput({
      outputError: () => {},
    });
    for (const sub of spec.subcommands ?? []) add(command as AnyCommand, sub);
    if (spec.subcommands) return;
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
  };
  for (const spec of COMMANDS) add(program as AnyCommand, spec);
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
  // No command: the interactive session, as `pidgin` alone opens Pidgin.
  const named = args.some((a) =>
    !a.startsWith("-") && findCommand([a]) !== undefined
  );
  await parse(named ? args : [...args, "interactive"]);
}
