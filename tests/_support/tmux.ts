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
  // A tmux server started from Deno does not reap its pane's process (the
  // exit status would stay unknown), so a shell waits for the command and
  // writes its status to a file.
  const statusFile = await Deno.makeTempFile({ prefix: "pidgin-tmux-status-" });
  const wrapped = [
    "sh",
    "-c",
    '"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"',
    statusFile,
    ...command,
  ];
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
    ...wrapped,
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
      // tmux's own note once the program has exited is not the program's output.
      return text.split("\n").map((l) => l.trimEnd()).filter((l) =>
        !l.startsWith("Pane is dead (")
      );
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
        const text = await Deno.readTextFile(statusFile);
        if (text.trim() !== "") return Number(text.trim());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error("Timed out waiting for the command to exit");
    },
    async [Symbol.asyncDispose]() {
      await tmux(socket, ["kill-server"]).catch(() => {});
      await Deno.remove(statusFile).catch(() => {});
    },
  };
  return terminal;
}
