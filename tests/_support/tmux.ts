/**
 * A real pseudo-terminal for tests: a private tmux server runs one command;
 * tests type with send-keys and read the screen with capture-pane.
 */

/** A command running in a tmux pane; `await using` kills the tmux server. */
export interface Terminal extends AsyncDisposable {
  /** Types text literally (no Enter). */
  type(text: string): Promise<void>;
  /** Presses keys by tmux name: "Enter", "C-d", "C-c". */
  press(...keys: string[]): Promise<void>;
  /** The visible screen, lines without trailing blanks. */
  screen(): Promise<string[]>;
  /** Resolves with the screen once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(
    predicate: (lines: string[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<string[]>;
  /** The title the program set (OSC 0/2), as tmux keeps it. */
  title(): Promise<string>;
  /** Resolves with the exit status once the command has exited. */
  exitStatus(timeoutMs?: number): Promise<number>;
}

async function tmux(
  socket: string,
  args: string[],
  env?: Record<string, string>,
): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-L", socket, ...args],
    env,
    stdin: "null",
  }).output();
  if (!out.success) {
    throw new Error(
      `tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/** Starts `command` in a fresh tmux server of `columns` x `rows`. */
export async function startTerminal(
  command: string[],
  options: { env?: Record<string, string>; columns?: number; rows?: number } =
    {},
): Promise<Terminal> {
  const socket = `pidgin-test-${crypto.randomUUID()}`;
  const env = { TERM: "xterm-256color", ...options.env };
  // remain-on-exit is set in the same tmux command, before the program can exit.
  await tmux(socket, [
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-s",
    "t",
    "-x",
    String(options.columns ?? 100),
    "-y",
    String(options.rows ?? 20),
    ...command,
    ";",
    "set-option",
    "-t",
    "t",
    "remain-on-exit",
    "on",
  ], env);
  const terminal: Terminal = {
    async type(text) {
      await tmux(socket, ["send-keys", "-t", "t", "-l", text]);
    },
    async press(...keys) {
      await tmux(socket, ["send-keys", "-t", "t", ...keys]);
    },
    async screen() {
      const text = await tmux(socket, ["capture-pane", "-p", "-t", "t"]);
      return text.split("\n").map((l) => l.trimEnd());
    },
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let lines: string[] = [];
      while (Date.now() < deadline) {
        lines = await terminal.screen();
        if (predicate(lines)) return lines;
        await new Promise((resolve) => setTimeout(resolve, 20)); // next screen refresh
      }
      throw new Error(
        `Timed out waiting for ${what}; screen:\n${lines.join("\n")}`,
      );
    },
    async title() {
      return (await tmux(socket, [
        "display-message",
        "-p",
        "-t",
        "t",
        "#{pane_title}",
      ])).trim();
    },
    async exitStatus(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const format = "#{pane_dead},#{pane_dead_status},#{pane_dead_signal}";
        const [dead, status, signal] =
          (await tmux(socket, ["display-message", "-p", "-t", "t", format]))
            .trim().split(",");
        // tmux 3.3 prints an empty status for 0.
        if (dead === "1") {
          return signal ? 128 + Number(signal) : Number(status || 0);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error("Timed out waiting for the command to exit");
    },
    async [Symbol.asyncDispose]() {
      await tmux(socket, ["kill-server"]).catch(() => {});
    },
  };
  return terminal;
}
