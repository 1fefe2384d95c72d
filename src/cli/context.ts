/**
 * What every subcommand needs, built once per run: the settings, the
 * application core over them, and the terminal. Heavy modules (xmpp.js,
 * zod) load on first use, so `pidgin --help` does not pay for them.
 */
import type { Config, ConfigFlags } from "../config/mod.ts";
import type { Core } from "../core/mod.ts";
import { UsageError } from "../errors.ts";
import { render, type Rich } from "../text/rich.ts";
import { toTerminalJson } from "../text/sanitize.ts";

/** Global flags shared by all commands. */
export interface GlobalOptions extends ConfigFlags {
  /** `--account <jid>`: the account to act as. */
  account?: string;
  timeout?: string;
  verbose?: boolean;
  /** Hidden: print when each step finished (for `deno task bench`). */
  timings?: boolean;
}

/** One run's services; created by the command parser, passed to each command. */
export interface CliContext {
  readonly globals: GlobalOptions;
  /** True when stdout is a terminal and NO_COLOR is not set. */
  readonly color: boolean;
  config(): Promise<Config>;
  /** The profile directory: `--purple-dir` > `PURPLE_HOME` > `~/.purple`. */
  purpleDir(): Promise<string>;
  /** The application core over this run's settings. */
  core(): Promise<Core>;
  /** Writes to stdout; every string in `text` is sanitised for the terminal here. */
  out(text: Rich): Promise<void>;
  /** Writes `data` to stdout as JSON and a newline, terminal-safe and lossless; `compact`: one line. */
  json(data: unknown, options?: { compact?: boolean }): Promise<void>;
  /** Writes to stderr; sanitised like `out`. */
  err(text: Rich): Promise<void>;
}

const encoder = new TextEncoder();

async function writeAll(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
) {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) {
    offset += await stream.write(bytes.subarray(offset));
  }
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 15_000;
  const seconds = Number(text.replace(/s$/, ""));
  // Timers hold at most 2^31-1 ms; a day is more than any step needs.
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new UsageError(
      `Invalid --timeout "${text}": expected a number of seconds above 0, at most 86400`,
      { hint: "Pass for example --timeout 30" },
    );
  }
  return Math.round(seconds * 1000);
}

/** Creates the context for one run of the CLI. */
export function createCliContext(globals: GlobalOptions): CliContext {
  let config: Promise<Config> | undefined;
  let core: Promise<Core> | undefined;
  const ctx: CliContext = {
    globals,
    get color() {
      return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
    },
    config() {
      config ??= import("../config/mod.ts").then((m) => m.loadConfig(globals));
      return config;
    },
    async purpleDir() {
      const [cfg, store] = await Promise.all([
        ctx.config(),
        import("../store/mod.ts"),
      ]);
      return store.resolvePurpleDir({
        flag: globals.purpleDir,
        purpleHome: cfg.PURPLE_HOME,
        home: cfg.home,
      });
    },
    core() {
      core ??= (async () => {
        const timeoutMs = parseTimeout(globals.timeout);
        const [env, purpleDir, { createCore }, settings] = await Promise.all([
          ctx.config(),
          ctx.purpleDir(),
          import("../core/mod.ts"),
          import("../config/mod.ts"),
        ]);
        // The profile's own settings fill in what flags and the environment left open.
        const { join } = await import("node:path");
        const file = await settings.readSettings(
          join(purpleDir, settings.SETTINGS_FILE),
        );
        const config = settings.applySettings(env, file);
        const prompt = Deno.stdin.isTerminal()
          ? (await import("../core/mod.ts")).promptPassword
          : undefined;
        return createCore({
          config,
          purpleDir,
          timeoutMs,
          account: globals.account,
          prompt,
        });
      })();
      return core;
    },
    out(text) {
      return writeAll(Deno.stdout, render(text, { color: ctx.color }));
    },
    json(data, options) {
      return writeAll(Deno.stdout, toTerminalJson(data, options) + "\n");
    },
    err(text) {
      return writeAll(Deno.stderr, render(text, { color: false }));
    },
  };
  return ctx;
}
