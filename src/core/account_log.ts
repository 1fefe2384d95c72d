/**
 * The chat log of one account with the names Pidgin would use. Whether it
 * logs and in which format: a flag, else PIDGIN_LOG / PIDGIN_LOG_FORMAT,
 * else Pidgin's prefs.xml (`/purple/logging/log_ims`, `format`), else txt.
 */
import type { Config } from "../config/mod.ts";
import type { LogEntry, MessageLedger } from "../store/mod.ts";

/** The chat log of one account, with the names Pidgin would use. */
export interface AccountLog extends AsyncDisposable {
  /** Our name in logs: the account alias, else the account's user name with its resource. */
  ownName: string;
  /** A contact's name in logs and on screen (libpurple's rule, for every mode). */
  nameOf(bareJid: string, rosterName?: string): string;
  /** Sets (or, with `undefined`, forgets: the buddy was removed) a contact's local alias for this run. */
  setAlias(bareJid: string, alias: string | undefined): void;
  append(contact: string, ...entries: LogEntry[]): Promise<void>;
}

/** What {@linkcode openAccountLog} needs. */
export interface AccountLogOptions {
  config: Config;
  purpleDir: string;
  /** The account's bare JID. */
  account: string;
  /** The account's own resource, as libpurple names the account in logs. */
  resource: string;
  /** A flag's word on logging (`--no-log`): it wins over everything else. */
  enabled?: boolean;
  /** Records the ids of what is logged (see `openMessageLedger`). */
  ledger?: MessageLedger;
  /** What names new files (default: now); history pulled from the archive gives its own time. */
  clock?: () => Date;
}

/**
 * Opens the log of an account: nothing is written until a conversation
 * has an entry.
 *
 * Requires read/write access to the profile directory.
 */
export async function openAccountLog(
  options: AccountLogOptions,
): Promise<AccountLog> {
  const { config, purpleDir, account } = options;
  const store = await import("../store/mod.ts");
  const [names, zone, prefs] = await Promise.all([
    store.readProfileNames(purpleDir, account),
    store.loadZoneNames(config.tz),
    store.readLoggingPrefs(purpleDir),
  ]);
  const logging = options.enabled ??
    (config.PIDGIN_LOG === undefined
      ? undefined
      : config.PIDGIN_LOG === "on") ??
    prefs.logIms ?? true;
  // As libpurple: the account's user name with its own resource, whichever one is bound now.
  const accountFull = `${account}/${options.resource}`;
  const log = store.createChatLog({
    purpleDir,
    account,
    accountFull,
    ledger: options.ledger,
    clock: options.clock,
    style: {
      format: config.PIDGIN_LOG_FORMAT ?? prefs.format ?? "txt",
      locale: store.localeFromEnv(config.locale),
      zone,
    },
  });
  return {
    ownName: names.accountAlias ?? accountFull,
    nameOf(bare, rosterName) {
      return names.nameOf(bare, rosterName);
    },
    setAlias(bare, alias) {
      if (alias === undefined) names.buddies.delete(bare);
      else names.buddies.set(bare, { ...names.buddies.get(bare), alias });
    },
    append(contact, ...entries) {
      return logging ? log.append(contact, ...entries) : Promise.resolve();
    },
    [Symbol.asyncDispose]() {
      return log.close();
    },
  };
}
