/**
 * pidgin: a terminal XMPP client that keeps Pidgin's logs.
 * The only place that sets the exit code.
 */
import { quickAnswer, wantsVerbose } from "./src/cli/quick.ts";
import { AppError, ExitCode, ReportedError } from "./src/errors.ts";
import { sanitizeForTerminal } from "./src/text/sanitize.ts";

/** One line, at most 1000 characters, nothing a terminal could act on: messages may quote a server. */
function oneLine(text: string): string {
  const line = sanitizeForTerminal(text.replace(/\s*[\r\n]+\s*/g, " "));
  return line.length > 1000 ? `${line.slice(0, 1000)}…` : line;
}

function describe(err: unknown): string {
  const lines: string[] = [];
  let current: unknown = err;
  while (current instanceof Error) {
    lines.push(`  caused by ${current.name}: ${current.message}`);
    current = current.cause;
  }
  if (err instanceof Error && err.stack) lines.push(err.stack);
  return lines.join("\n");
}

/** Prints a failure as one line (plus hint) and returns its exit code. */
function report(err: unknown, verbose: boolean): number {
  const stderr = (text: string) =>
    Deno.stderr.writeSync(
      new TextEncoder().encode(sanitizeForTerminal(text) + "\n"),
    );
  if (err instanceof ReportedError) return err.exitCode;
  if (err instanceof AppError) {
    stderr(`pidgin: ${oneLine(err.message)}`);
    if (err.hint) stderr(`hint: ${oneLine(err.hint)}`);
    if (verbose) stderr(describe(err.cause ?? err));
    return err.exitCode;
  }
  stderr(
    `pidgin: Unexpected failure: ${
      oneLine(err instanceof Error ? err.message : String(err))
    }`,
  );
  stderr(
    verbose
      ? describe(err)
      : "hint: Run again with --verbose and report the output",
  );
  return ExitCode.Unexpected;
}

async function main(): Promise<void> {
  // A bare --help or --version is answered before the command tree loads.
  const answer = quickAnswer(Deno.args);
  if (answer !== undefined) {
    await Deno.stdout.write(new TextEncoder().encode(answer));
    return;
  }
  // A computed specifier: Deno loads (without running) every dynamic import
  // it can read in the source at start-up, which would cost --help and
  // --version the whole command tree. (deno compile --includes it.)
  const cli: typeof import("./src/cli/mod.ts") = await import(
    new URL("./src/cli/mod.ts", import.meta.url).href
  );
  const { runCli } = cli;
  // The command line decides; interactive mode runs from here, so neither mode imports the other.
  const interactive = await runCli(Deno.args);
  if (interactive) {
    const { runInteractive }: typeof import("./src/interactive/mod.ts") =
      await import(new URL("./src/interactive/mod.ts", import.meta.url).href);
    await runInteractive(interactive);
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (err) {
    Deno.exitCode = report(err, wantsVerbose(Deno.args));
  }
}
