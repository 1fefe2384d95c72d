/**
 * pidgin's own settings file, `xmpp_settings.json` in the profile
 * directory: defaults for this profile below flags, the environment and the
 * `--env-file` file, validated with zod. Pidgin's files are Pidgin's; this
 * one is ours.
 */
import { z } from "zod";
import { ConfigError, fsReason } from "../errors.ts";
import type { Config } from "./load.ts";

/** The name of the file in the profile directory. */
export const SETTINGS_FILE = "xmpp_settings.json";

const Jid = z.string().regex(/^[^@/\s]+@[^@/\s]+$/, "expected a bare JID");

/** Per-account settings. */
export const AccountSettingsSchema = z.strictObject({
  /** A shell command whose first line of output is the password (`pass show xmpp/me`). */
  passwordCommand: z.string().min(1).max(1000).optional(),
});

/** Every setting the file may hold. */
export const SettingsSchema = z.strictObject({
  /** `txt` or `html`: the format of new logs (PIDGIN_LOG_FORMAT). */
  logFormat: z.enum(["txt", "html"]).optional(),
  /** `on` or `off`: write chat logs (PIDGIN_LOG). */
  logging: z.enum(["on", "off"]).optional(),
  /** `on` or `off`: the terminal bell in interactive mode (PIDGIN_BELL). */
  bell: z.enum(["on", "off"]).optional(),
  /** Lines of input history kept (default 1000). */
  historySize: z.number().int().min(0).max(100_000).optional(),
  /** Log lines attached to a new ticket (TICKET_CONTEXT_LINES). */
  ticketContextLines: z.number().int().min(0).max(500).optional(),
  /** Seconds between ticket syncs in interactive mode (TICKET_SYNC_INTERVAL). */
  ticketSyncInterval: z.number().positive().max(86400).optional(),
  /** The ticket backend (API_BASE_URL); its token only ever comes from API_TOKEN. */
  apiBaseUrl: z.url().optional(),
  /** Seconds per backend request (API_TIMEOUT). */
  apiTimeout: z.number().positive().max(600).optional(),
  /** The password command for every account without one of its own. */
  passwordCommand: z.string().min(1).max(1000).optional(),
  /** The account commands use when neither --account nor XMPP_JID says. */
  defaultAccount: Jid.optional(),
  /** Settings of single accounts, by bare JID. */
  accounts: z.record(Jid, AccountSettingsSchema).optional(),
});

/** The validated settings file. */
export type Settings = z.infer<typeof SettingsSchema>;

/** Parses the file's text; a ConfigError names the file and the first problem. */
export function parseSettings(text: string, file: string): Settings {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Cannot read "${file}": it is not valid JSON`, {
      cause: err,
      hint: "Fix the file (see README, Settings), or move it away",
    });
  }
  const parsed = SettingsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "the file";
    const what = issue.code === "unrecognized_keys"
      ? `unknown setting "${issue.keys.join('", "')}"`
      : issue.message;
    throw new ConfigError(`Invalid setting in "${file}": ${where}: ${what}`, {
      cause: parsed.error,
      hint: "See README, Settings, for every setting and its values",
    });
  }
  return parsed.data;
}

/** The settings file of a profile; `{}` when there is none. */
export async function readSettings(file: string): Promise<Settings> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`Cannot read "${file}": ${fsReason(err)}`, {
      cause: err,
      hint:
        "Check the Pidgin profile directory (PURPLE_HOME or --purple-dir): it must be a directory you can read",
    });
  }
  return parseSettings(text, file);
}

/** `config` with the file's settings filled in where flags and the environment said nothing. */
export function applySettings(config: Config, settings: Settings): Config {
  return {
    ...config,
    PIDGIN_LOG_FORMAT: config.PIDGIN_LOG_FORMAT ?? settings.logFormat,
    PIDGIN_LOG: config.PIDGIN_LOG ?? settings.logging,
    PIDGIN_BELL: config.PIDGIN_BELL ?? settings.bell,
    TICKET_CONTEXT_LINES: config.TICKET_CONTEXT_LINES ??
      settings.ticketContextLines,
    TICKET_SYNC_INTERVAL: config.TICKET_SYNC_INTERVAL ??
      settings.ticketSyncInterval,
    API_BASE_URL: config.API_BASE_URL ?? settings.apiBaseUrl,
    API_TIMEOUT: config.API_TIMEOUT ?? settings.apiTimeout,
    settings,
  };
}
