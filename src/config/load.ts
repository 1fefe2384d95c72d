/**
 * Resolves settings once: flags > environment > `.env` in the working
 * directory > defaults. Nothing else reads the environment.
 */
import { ConfigError } from "../errors.ts";
import { type Env, EnvSchema, EXPECTED } from "./schema.ts";

/** Flags that override the environment. */
export interface ConfigFlags {
  jid?: string;
  server?: string;
  port?: string;
  resource?: string;
  caFile?: string;
  purpleDir?: string;
  logFormat?: string;
}

/** Settings after merging, still unvalidated as a whole. */
export interface Config extends Env {
  /** HOME, for the default profile directory. */
  home?: string;
  /** Locale variables, for log timestamps. */
  locale: { LC_ALL?: string; LC_TIME?: string; LANG?: string };
  /** TZ, for log file names. */
  tz?: string;
}

const KEYS = Object.keys(EnvSchema.shape) as (keyof Env)[];

async function readDotenv(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`Cannot read "${file}"`, { cause: err });
  }
  // dotenv pulls in several node: modules (~25 ms): load it only when there is a .env.
  const { parse } = await import("dotenv");
  return parse(text);
}

/**
 * Loads the configuration.
 *
 * Requires env access to the variables in `EnvSchema` plus HOME, TZ, LANG,
 * LC_ALL and LC_TIME, and read access to `.env`.
 */
export async function loadConfig(
  flags: ConfigFlags,
  options: { env?: (name: string) => string | undefined; dotenvFile?: string } =
    {},
): Promise<Config> {
  const env = options.env ?? ((name) => Deno.env.get(name));
  const dotenv = await readDotenv(options.dotenvFile ?? ".env");
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
      hint: `Fix ${key} in the environment, in .env, or with its flag`,
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
      hint: `Set ${key} in the environment or in .env (see .env.example)`,
    });
  }
  return value as NonNullable<Env[K]>;
}
