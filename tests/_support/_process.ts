/** Small process and port helpers shared by the test servers of this folder. */

/**
 * Runs a tool to completion and returns what it printed (stdout, then stderr).
 * Throws with `installHint` when the tool is missing, and with its output when
 * it fails.
 */
export async function runTool(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; installHint: string },
): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`"${cmd}" is not installed (${options.installHint})`);
    }
    throw err;
  }
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`"${cmd} ${args.join(" ")}" failed: ${text.trim()}`);
  }
  return text;
}

/** A loopback port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Resolves once something accepts TCP connections on `port` of 127.0.0.1;
 * rejects when `exited` settles first or after `timeoutMs`.
 */
export async function waitForPort(
  port: number,
  exited: Promise<unknown>,
  timeoutMs: number,
  name: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  exited.then(() => (gone = true), () => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited during start-up`);
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      // Not listening yet: poll again shortly (nothing to await but time).
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(
    `${name} did not listen on port ${port} within ${timeoutMs} ms`,
  );
}
