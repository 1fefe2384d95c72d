/**
 * Where an account's password comes from when it is not given: a password
 * command (`pass show xmpp/me`, like go-sendxmpp's `eval_password`) or, on a
 * terminal, a prompt that does not echo. The password never reaches a log,
 * an error message or the command line of another process.
 */
import { ConfigError, InterruptedError } from "../errors.ts";

/** How long a password command may take. */
const COMMAND_TIMEOUT_MS = 60_000;

/** The first line of a text, at most 200 characters: for quoting a program's complaint. */
function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Runs `command` with `sh -c` and returns the first line of what it prints.
 * `settingsFile` names where the command was configured, for errors; a
 * settings file that others may write is refused, since its command runs
 * as the user.
 *
 * Requires run access to `sh`.
 */
export async function passwordFromCommand(
  command: string,
  account: string,
  settingsFile: string,
): Promise<string> {
  try {
    const mode = (await Deno.stat(settingsFile)).mode ?? 0;
    if (mode & 0o022) {
      throw new ConfigError(
        `Refusing the password command of "${settingsFile}": others may write that file`,
        { hint: `Run chmod go-w "${settingsFile}"` },
      );
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
  }
  const child = new Deno.Command("sh", {
    args: ["-c", command],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, COMMAND_TIMEOUT_MS);
  const out = await child.output().finally(() => clearTimeout(timer));
  if (!out.success) {
    const said = firstLine(new TextDecoder().decode(out.stderr));
    throw new ConfigError(
      `The password command for "${account}" failed (exit ${out.code})${
        said ? `: ${said}` : ""
      }`,
      { hint: `Check "passwordCommand" in ${settingsFile}` },
    );
  }
  const password = new TextDecoder().decode(out.stdout).split(/\r?\n/)[0] ??
    "";
  if (password === "") {
    throw new ConfigError(
      `The password command for "${account}" printed no password`,
      { hint: `Check "passwordCommand" in ${settingsFile}` },
    );
  }
  return password;
}

/**
 * Asks for the password on the terminal without echoing it; Ctrl-C stops,
 * Ctrl-D or an empty line gives up.
 *
 * Requires a terminal on stdin.
 */
export async function promptPassword(account: string): Promise<string> {
  const encoder = new TextEncoder();
  Deno.stderr.writeSync(encoder.encode(`Password for ${account}: `));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    read: while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 0x03) throw new InterruptedError("Interrupted");
        if (byte === 0x04 || byte === 0x0d || byte === 0x0a) break read;
        if (byte === 0x7f || byte === 0x08) {
          // One character back: its UTF-8 continuation bytes, then its first.
          while ((bytes.at(-1) ?? 0) >> 6 === 0b10) bytes.pop();
          bytes.pop();
        } else if (byte >= 0x20 || byte === 0x09) bytes.push(byte);
      }
      if (bytes.length > 4096) break;
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
  const password = new TextDecoder().decode(new Uint8Array(bytes));
  if (password === "") {
    throw new ConfigError(`No password given for "${account}"`, {
      hint:
        "Type it at the prompt, set XMPP_PASSWORD, or run pidgin account password",
    });
  }
  return password;
}
