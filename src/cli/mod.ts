/**
 * The command tree. Help and version are printed straight from the command
 * records; commander (loaded on demand) parses everything else.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { accountCommand } from "./account/mod.ts";
import { chatCommand } from "./chat.ts";
import type { CommandSpec } from "./command.ts";
import type { GlobalOptions } from "./context.ts";
import {
  formatCommandHelp,
  formatProgramHelp,
  GLOBAL_OPTIONS,
} from "./help.ts";
import { interactiveCommand } from "./interactive.ts";
import { listenCommand } from "./listen.ts";
import { logCommand } from "./log.ts";
import { rosterCommand } from "./roster.ts";
import { searchCommand } from "./search.ts";
import { sendCommand } from "./send.ts";
import { ticketCommand } from "./ticket/mod.ts";
import { quickAnswer } from "./quick.ts";
import { VERSION } from "./version.ts";

export type { CommandSpec } from "./command.ts";
import type { InteractiveRun } from "../core/mod.ts";

/** Every subcommand, in help order. */
export const COMMANDS: CommandSpec[] = [
  sendCommand,
  chatCommand,
  listenCommand,
  rosterCommand,
  logCommand,
  searchCommand,
  ticketCommand,
  accountCommand,
  interactiveCommand,
];

export { VERSION } from "./version.ts";

/** A flag given as `--name=value` or `-xvalue`: the part to show, never the value. */
function optionName(text: string): string {
  const long = /^(--[^=\s]+)/.exec(text);
  if (long) return long[1]!;
  return text.slice(0, 2);
}

/** commander's complaint as our one-line `UsageError`, with the help of the command it came from. */
function toUsageError(
  err: { code: string; message: string },
  path: string[],
  /** For the default command: the words it was given (the first is an unknown command). */
  defaultArgs?: readonly string[],
): UsageError {
  const where = path.length > 0 ? `pidgin ${path.join(" ")}` : "pidgin";
  const hint = `Run ${where} --help for usage`;
  if (err.code === "commander.unknownOption") {
    const given = /'([^']*)'/.exec(err.message)?.[1] ?? "";
    return new UsageError(`Unknown option "${optionName(given)}"`, { hint });
  }
  if (err.code === "commander.excessArguments" && defaultArgs) {
    return new UsageError(`Unknown command "${defaultArgs[0] ?? ""}"`, {
      hint: "Run pidgin --help for the list of commands",
    });
  }
  const message = err.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
  return new UsageError(message.charAt(0).toUpperCase() + message.slice(1), {
    hint,
  });
}

async function parse(args: string[]): Promise<InteractiveRun | undefined> {
  let interactive: InteractiveRun | undefined;
  const { Command, CommanderError, Option } = await import(
    "@commander-js/extra-typings"
  );
  const { createCliContext } = await import("./context.ts");
  const write = (text: string) =>
    void Deno.stdout.writeSync(new TextEncoder().encode(text));
  const output = {
    writeOut: write,
    writeErr: () => {},
    outputError: () => {},
    // Our help has no colours; asking would read environment variables
    // (NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE) the program may not read.
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  };
  const program = new Command("pidgin").configureOutput(output)
    .exitOverride((err) => {
      if (err.exitCode === 0) throw err;
      // `pidgin help <word>` for a word that is no command.
      if (err.code === "commander.help") {
        const word = args[args.indexOf("help") + 1] ?? "";
        throw new UsageError(`Unknown command "${word}"`, {
          hint: "Run pidgin --help for the list of commands",
        });
      }
      throw toUsageError(err, []);
    })
    .version(VERSION, "-V, --version");
  program.helpInformation = () => formatProgramHelp(COMMANDS);
  for (const spec of GLOBAL_OPTIONS) {
    if (/--(help|version)\b/.test(spec.flags)) continue;
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    program.addOption(option);
  }
  type AnyCommand =
    & {
      command(
        name: string,
        options?: { isDefault?: boolean },
      ): AnyCommand;
    }
    & InstanceType<typeof Command>;
  const add = (parent: AnyCommand, spec: CommandSpec, path: string[]) => {
    const own = [...path, spec.name];
    const isDefault = spec === interactiveCommand;
    const command = parent.command(spec.name, { isDefault })
      .configureOutput(output)
      .exitOverride((err) => {
        throw err.exitCode === 0 ? err : toUsageError(
          err,
          // `pidgin --bogus` reached the default command without naming it.
          isDefault && !args.includes(spec.name) ? [] : own,
          isDefault ? command.args : undefined,
        );
      });
    command.helpInformation = () => formatCommandHelp(spec, path);
    for (const sub of spec.subcommands ?? []) {
      add(command as AnyCommand, sub, own);
    }
    if (spec.args) command.arguments(spec.args);
    for (const option of spec.options ?? []) {
      command.option(option.flags, option.description);
    }
    command.action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as typeof command;
      interactive = await spec.run(
        cmd.args.map(String),
        cmd.opts(),
        createCliContext(program.opts() as GlobalOptions),
      ) ?? undefined;
    });
  };
  for (const spec of COMMANDS) add(program as AnyCommand, spec, []);
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    // Help and version were printed: that is success.
    if (err instanceof CommanderError && err.exitCode === 0) return undefined;
    throw err;
  }
  return interactive;
}

export { wantsVerbose } from "./quick.ts";

/**
 * Runs the CLI with `args` (without the program name). Resolves when the
 * command has finished; throws `AppError`s for expected failures. With no
 * command the interactive session starts, as `pidgin` alone opens Pidgin.
 */
export async function runCli(
  args: string[],
): Promise<InteractiveRun | undefined> {
  const answer = quickAnswer(args);
  if (answer !== undefined) {
    await Deno.stdout.write(new TextEncoder().encode(answer));
    return undefined;
  }
  return await parse(args);
}
