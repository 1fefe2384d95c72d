/** The record every subcommand is built from. */
import type { InteractiveRun } from "../core/mod.ts";
import type { CliContext } from "./context.ts";

/** One subcommand: help text and a thin `run` over the shared modules. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Arguments in commander syntax, e.g. `<jid> [message...]`. */
  args: string;
  examples: string[];
  options?: { flags: string; description: string }[];
  /** For a group such as `ticket`: its own commands. */
  subcommands?: CommandSpec[];
  /** Does the command's work, or asks `main.ts` for interactive mode. */
  run(
    args: string[],
    options: Record<string, unknown>,
    ctx: CliContext,
  ): Promise<void | InteractiveRun>;
}
