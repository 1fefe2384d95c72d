/** One run of a private ejabberd node: `ejabberdctl foreground`, its Erlang VM, and ctl calls to it. */
import { join } from "node:path";

/** A running node; `stop()` ends it, whatever state it is in. */
export interface EjabberdNode {
  /** Settles when the foreground ejabberdctl (and so the VM) exited. */
  exited: Promise<Deno.CommandStatus>;
  /** Resolves once `ejabberdctl status` says ejabberd runs in the node. */
  ready(timeoutMs: number): Promise<void>;
  /**
   * Runs the instance's ejabberdctl copy; resolves with stdout, throws with
   * all output. While the VM runs, a call the node could not take yet (exit 3,
   * nodedown; or ejabberd still starting) is retried for up to `retryMs`.
   */
  ctl(args: string[], retryMs?: number): Promise<string>;
  /** Sends a signal to the Erlang VM (beam.smp), not to the shell script. */
  signal(signal: Deno.Signal): void;
  /** Ends the VM with `signal` (after SIGCONT if frozen; SIGKILL after 10 s) and waits. */
  stop(signal: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** logs/ejabberd.log so far. */
  log(): Promise<string>;
  /** The ends of the console output and the logs, for failure messages. */
  tail(): Promise<string>;
}

const KEEP = 4000;

/** The environment every ejabberdctl call of the instance in `dir` runs with. */
function nodeEnv(dir: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C.UTF-8",
    HOME: dir,
    CONFIG_DIR: dir,
    LOGS_DIR: join(dir, "logs"),
    SPOOL_DIR: join(dir, "spool"),
    EJABBERD_CONFIG_PATH: join(dir, "ejabberd.yml"),
    EJABBERDCTL_CONFIG_PATH: join(dir, "ejabberdctl.cfg"),
  };
}

/** Starts `ejabberdctl foreground` for the instance in `dir`. */
export function spawnNode(dir: string): EjabberdNode {
  const env = nodeEnv(dir);
  const script = join(dir, "ejabberdctl");
  const child = new Deno.Command(script, {
    args: ["foreground"],
    cwd: dir,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output = (output + text).slice(-KEEP);
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const exited = child.status;
  let done = false;
  exited.then(() => (done = true));
  let frozen = false;

  /**
   * beam.smp is the one child of the shell (erl and erlexec exec into it);
   * ejabberd also writes its pid to EJABBERD_PID_PATH once started.
   */
  const beamPid = (): number | undefined => {
    for (
      const file of [
        `/proc/${child.pid}/task/${child.pid}/children`,
        join(dir, "ejabberd.pid"),
      ]
    ) {
      try {
        const text = Deno.readTextFileSync(file).trim();
        const pid = Number.parseInt(text.split(/\s+/)[0] ?? "", 10);
        if (pid > 0) return pid;
      } catch { /* no /proc, the shell is gone, or no pid file yet */ }
    }
    return undefined;
  };
  let beam: number | undefined;
  const signal = (sig: Deno.Signal) => {
    beam ??= beamPid();
    if (beam === undefined || done) return;
    try {
      Deno.kill(beam, sig);
    } catch { /* already gone */ }
  };

  const ctlOnce = async (args: string[]) => {
    const out = await new Deno.Command(script, {
      args,
      cwd: dir,
      clearEnv: true,
      env,
      stdin: "null",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code: out.code,
      stdout: decode(out.stdout),
      stderr: decode(out.stderr),
    };
  };
  const ctl = async (args: string[], retryMs = 0): Promise<string> => {
    const deadline = Date.now() + retryMs;
    while (true) {
      const out = await ctlOnce(args);
      if (out.code === 0) return out.stdout;
      const text = out.stdout + out.stderr;
      const notReady = out.code === 3 ||
        /is starting with status|is not running in that node/.test(text);
      if (notReady && !done && Date.now() < deadline) continue;
      // Keep the reason; drop the root warning and the usage text exit 3 prints.
      const reason = text
        .replace(
          /^WARNING: It is not recommended to run ejabberd as root\n?/gm,
          "",
        )
        .replace(
          /\n*Commands to start an ejabberd node:[^]*?--node nodename.*\n?/,
          "",
        )
        .trim();
      throw new Error(
        `"ejabberdctl ${args.join(" ")}" failed (exit ${out.code}): ${reason}`,
      );
    }
  };

  const node: EjabberdNode = {
    exited,
    async ready(timeoutMs) {
      // Exit 0 means "started … ejabberd is running in that node".
      await ctl(["status"], timeoutMs);
    },
    ctl,
    signal(sig) {
      signal(sig);
      if (sig === "SIGSTOP") frozen = true;
      if (sig === "SIGCONT") frozen = false;
    },
    async stop(sig) {
      if (frozen) signal("SIGCONT");
      frozen = false;
      signal(sig);
      if (beam === undefined && !done) {
        // No VM found: end the shell, the VM (if any) dies with its pipes.
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), 10_000);
      });
      if (await Promise.race([exited, late]) === "late") signal("SIGKILL");
      clearTimeout(timer);
      await exited;
      await drained;
    },
    log: () =>
      Deno.readTextFile(join(dir, "logs", "ejabberd.log")).catch(() => ""),
    async tail() {
      const logs = await node.log();
      const errors = await Deno.readTextFile(join(dir, "logs", "error.log"))
        .catch(() => "");
      return [
        output && `console:\n${output}`,
        logs && `ejabberd.log:\n${logs.slice(-KEEP)}`,
        errors && `error.log:\n${errors.slice(-KEEP)}`,
      ].filter(Boolean).join("\n");
    },
  };
  return node;
}
