/** Runs `main.ts` as a user would, with `deno run`, and captures what it prints. */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/**
 * Exactly the permissions of the `pidgin` task (and of `deno task compile`),
 * so the tests prove the program needs no more than it is granted.
 */
export const PERMISSIONS: string[] = (() => {
  const config = JSON.parse(
    Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
  );
  const task: string = config.tasks.pidgin;
  return task.replace(/^deno run /, "").replace(/ main\.ts$/, "").split(" ");
})();

/** The command line that runs pidgin from source, for tests that start it themselves (tmux). */
export function cliCommand(...args: string[]): string[] {
  return [Deno.execPath(), "run", "--quiet", ...PERMISSIONS, MAIN, ...args];
}

/** What a finished run printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for a CLI run. */
export interface CliOptions {
  env?: Record<string, string>;
  /** Text piped to stdin; stdin is closed (null) when absent. */
  stdin?: string;
  cwd?: string;
}

function command(
  args: string[],
  options: CliOptions,
  stdin: "piped" | "null",
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, MAIN, ...args],
    env: { NO_COLOR: "1", ...options.env },
    cwd: options.cwd ?? Deno.cwd(),
    stdin,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const child = command(
    args,
    options,
    options.stdin === undefined ? "null" : "piped",
  ).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** A CLI run that a test talks to line by line. */
export interface CliProcess extends AsyncDisposable {
  /** Writes a line (newline added) to stdin. */
  writeLine(line: string): Promise<void>;
  /** Closes stdin (Ctrl-D). */
  closeStdin(): Promise<void>;
  /**
   * Resolves once stdout contains `text` (`times` times, default once);
   * rejects after `timeoutMs`.
   */
  waitForOutput(
    text: string,
    timeoutMs?: number,
    times?: number,
  ): Promise<string>;
  /** What was printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Closes stdin, waits for the exit and returns everything printed. */
  finish(): Promise<CliResult>;
  /** Waits for the exit without touching stdin. */
  exited(): Promise<CliResult>;
  /** Sends SIGINT, as Ctrl-C does. */
  interrupt(): void;
  /** Kills the process at once (SIGKILL), as a crash or `kill -9` would. */
  kill(): void;
}

/** Starts the CLI with piped stdin for an interactive exchange. */
export function spawnCli(args: string[], options: CliOptions = {}): CliProcess {
  const child = command(args, options, "piped").spawn();
  const writer = child.stdin.getWriter();
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const pump = async (
    stream: ReadableStream<Uint8Array>,
    onText: (t: string) => void,
  ) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      onText(chunk);
      for (const w of waiters) w();
    }
  };
  const pumps = Promise.all([
    pump(child.stdout, (t) => (stdout += t)),
    pump(child.stderr, (t) => (stderr += t)),
  ]);
  let stdinClosed = false;
  const proc: CliProcess = {
    async writeLine(line) {
      await writer.write(new TextEncoder().encode(line + "\n"));
    },
    async closeStdin() {
      if (stdinClosed) return;
      stdinClosed = true;
      await writer.close();
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForOutput(text, timeoutMs = 10_000, times = 1) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (stdout.split(text).length > times) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(stdout);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `Timed out waiting for ${JSON.stringify(text)}${
                times > 1 ? ` ${times} times` : ""
              }; stdout: ${stdout}; stderr: ${stderr}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    interrupt() {
      child.kill("SIGINT");
    },
    kill() {
      child.kill("SIGKILL");
    },
    async finish() {
      await proc.closeStdin();
      return proc.exited();
    },
    async exited() {
      const status = await child.status;
      await pumps;
      return { code: status.code, stdout, stderr };
    },
    async [Symbol.asyncDispose]() {
      await proc.closeStdin().catch(() => {});
      try {
        child.kill();
      } catch { /* exited */ }
      await child.status;
      await pumps;
    },
  };
  return proc;
}
