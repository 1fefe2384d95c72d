/**
 * Resolves settings once: flags > environment > the env file named with
 * `--env-file` > defaults. Nothing else reads the environment.
 *
 * No file is read just because it is in the working directory: a `.env` in
 * a cloned repository could otherwise point `XMPP_SERVER` or `API_BASE_URL`
 * at its author while the password and token come from the environment.
 */
import { ConfigError } from "../errors.ts";
import { type Env, EnvSchema, EXPECTED } from "./schema.ts";
import type { Settings } from "./settings_file.ts";

/** Flags that override the environment. */
export interface ConfigFlags {
  jid?: string;
  server?: string;
  port?: string;
  resource?: string;
  caFile?: string;
  purpleDir?: string;
  logFormat?: string;
  /** A dotenv file to read settings from (`--env-file`); none is read otherwise. */
  envFile?: string;
}

/** Settings after merging, still unvalidated as a whole. */
export interface Config extends Env {
  /** HOME, for the default profile directory. */
  home?: string;
  /** Locale variables, for log timestamps. */
  locale: { LC_ALL?: string; LC_TIME?: string; LANG?: string };
  /** TZ, for log file names. */
  tz?: string;
  /** The profile's settings file, once applied (see `applySettings`). */
  settings?: Settings;
}

const KEYS = Object.keys(EnvSchema.shape) as (keyof Env)[];

/** The flag that sets each variable, for hints; `undefined` where there is none. */
const FLAGS: Partial<Record<keyof Env, string>> = {
  XMPP_JID: "--jid",
  XMPP_SERVER: "--server",
  XMPP_PORT: "--port",
  XMPP_RESOURCE: "--resource",
  XMPP_CA_FILE: "--ca-file",
  PURPLE_HOME: "--purple-dir",
  PIDGIN_LOG_FORMAT: "--log-format",
  TICKET_CONTEXT_LINES: "ticket create --context",
};

/** Where a variable can be set, for hints: `XMPP_PORT in the environment, in the env file, or with --port`. */
export function whereToSet(key: keyof Env): string {
  const flag = FLAGS[key];
  return flag
    ? `${key} in the environment, in the --env-file file, or with ${flag}`
    : `${key} in the environment or in the --env-file file`;
}

async function readDotenv(
  file: string | undefined,
): Promise<Record<string, string>> {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "it does not exist"
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : "it cannot be read";
    throw new ConfigError(`Cannot read the env file "${file}": ${reason}`, {
      cause: err,
      hint: "Check the path given with --env-file",
    });
  }
  // dotenv pulls in several node: modules (~25 ms): load it only when there is a .env.
  const { parse } = await import("dotenv");
  return parse(text);
}

/**
 * Loads the configuration.
 *
 * Requires env access to the variables in `EnvSchema` plus HOME, TZ, LANG,
 * LC_ALL and LC_TIME, and read access to the `--env-file` file.
 */
export async function loadConfig(
  flags: ConfigFlags,
  options: { env?: (name: string) => string | undefined } = {},
): Promise<Config> {
  const env = options.env ?? ((name) => Deno.env.get(name));
  const dotenv = await readDotenv(flags.envFile);
  const raw: Record<string, string | undefined> = {};
  for (const key of KEYS) raw[key] = env(key) ?? dotenv[key];
  const fromFlags: Partial<Record<keyof Env, string | undefined>> = {
    XMPP_JID: flags.jid,
    XMPP_SERVER: flags.server,
    XMPP_PORT: flags.port,
    XMPP_RESOURCE: flags.resource,
    XMPP_CA_FILE: flags.caFile,
    PURPLE_HOME: flags.purpleDir,
    PIDGIN_LOG_FORMAT: flags.logFormat,
  };
  for (const [key, value] of Object.entries(fromFlags)) {
    if (value !== undefined) raw[key] = value;
  }
  for (const key of KEYS) if (raw[key] === "") raw[key] = undefined;
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof Env;
    throw new ConfigError(`Invalid ${key}: expected ${EXPECTED[key]}`, {
      cause: parsed.error,
      hint: `Fix ${whereToSet(key)}`,
    });
  }
  return {
    ...parsed.data,
    home: env("HOME"),
    locale: {
      LC_ALL: env("LC_ALL"),
      LC_TIME: env("LC_TIME"),
      LANG: env("LANG"),
    },
    tz: env("TZ"),
  };
}

/** Returns a required setting or throws a `ConfigError` naming it. */
export function requireSetting<K extends keyof Env>(
  config: Config,
  key: K,
): NonNullable<Env[K]> {
  const value = config[key];
  if (value === undefined || value === null) {
    throw new ConfigError(`Missing ${key}: expected ${EXPECTED[key]}`, {
      hint: `Set ${whereToSet(key)} (see .env.example)`,
    });
  }
  return value as NonNullable<Env[K]>;
}
