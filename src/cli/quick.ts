/**
 * What a bare `pidgin --help` or `pidgin --version` prints, answered before
 * the command tree is loaded: start-up of these two is the runtime's alone.
 * The help text is generated from the command records (`deno task
 * gen:help`); a test keeps it equal to what they render.
 *
 * @module
 */
import { PROGRAM_HELP } from "./help_text.ts";
import { VERSION } from "./version.ts";

/** The text for a bare `--help`, `help` or `--version`; undefined for anything else. */
export function quickAnswer(args: readonly string[]): string | undefined {
  if (args.length !== 1) return undefined;
  const [only] = args;
  if (only === "-h" || only === "--help" || only === "help") {
    return PROGRAM_HELP;
  }
  if (only === "-V" || only === "--version") return `${VERSION}\n`;
  return undefined;
}

/** `--verbose` (or `-v`) anywhere: failures show their cause and stack. */
export function wantsVerbose(args: readonly string[]): boolean {
  return args.includes("--verbose") || args.includes("-v");
}
