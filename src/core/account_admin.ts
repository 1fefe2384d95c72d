/**
 * Changing the profile's accounts (`pidgin account …`): accounts.xml is
 * edited as Pidgin would write it, under the profile lock, keeping a backup
 * and everything we do not touch byte for byte.
 */
import type { Config } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import type { XmppAccount } from "../store/mod.ts";

/** A new account, as `pidgin account add` takes it. */
export interface NewAccount {
  /** `user@domain`, optionally `/resource`. */
  jid: string;
  alias?: string;
  server?: string;
  port?: number;
  /** Remembered in accounts.xml (in clear text, as Pidgin stores it) only when given. */
  password?: string;
}

/** One row of `pidgin account list`. */
export interface AccountRow {
  jid: string;
  resource?: string;
  alias?: string;
  source: "environment" | "profile";
  enabled: boolean;
  /** Whose setting decided `enabled`: pidgin's own, Pidgin's, Finch's. */
  enabledBy?: "pidgin" | "Pidgin" | "Finch";
  default: boolean;
  server?: string;
  port?: number;
  /** Where its password comes from. */
  password: "environment" | "remembered" | "command" | "prompt";
}

const UI_NAMES: Record<string, AccountRow["enabledBy"]> = {
  "pidgin-cli": "pidgin",
  "gtk-gaim": "Pidgin",
  "gnt-purple": "Finch",
};

function noSuchAccount(jid: string): UsageError {
  return new UsageError(`No account "${jid}" in this profile`, {
    hint: "pidgin account list shows the accounts",
  });
}

/** Runs an edit of accounts.xml; `RangeError`s of bad values become usage errors. */
async function edit<T>(
  purpleDir: string,
  change: (doc: import("../store/mod.ts").AccountsXml) => T,
): Promise<T> {
  const { updateAccounts } = await import("../store/mod.ts");
  try {
    return await updateAccounts(purpleDir, change);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new UsageError(`Cannot change the account: ${err.message}`);
    }
    throw err;
  }
}

/** Adds an account; a UsageError when the profile has one with that JID. */
export async function addAccount(
  purpleDir: string,
  account: NewAccount,
): Promise<XmppAccount> {
  const added = await edit(purpleDir, (doc) =>
    doc.addXmppAccount({
      jid: account.jid,
      alias: account.alias,
      connectServer: account.server,
      port: account.port,
      password: account.password,
    }));
  if (!added) {
    throw new UsageError(
      `The profile already has the account "${account.jid}"`,
      {
        hint: "pidgin account list shows it; pidgin account remove removes it",
      },
    );
  }
  return added;
}

/** The edits `pidgin account` makes to one existing account. */
export type AccountChange =
  | { kind: "remove" }
  | { kind: "default" }
  | { kind: "enabled"; on: boolean }
  | { kind: "password"; password: string | undefined };

/** Changes an existing account; a UsageError when there is none. */
export async function changeAccount(
  purpleDir: string,
  jid: string,
  change: AccountChange,
): Promise<void> {
  const done = await edit(purpleDir, (doc) => {
    switch (change.kind) {
      case "remove":
        return doc.removeXmppAccount(jid);
      case "default":
        return doc.setDefault(jid);
      case "enabled":
        return doc.setEnabled(jid, change.on);
      case "password":
        return doc.setPassword(jid, change.password);
    }
  });
  if (!done) throw noSuchAccount(jid);
}

/** What `pidgin account list` shows: the environment account, then the profile's. */
export async function describeAccounts(
  config: Config,
  purpleDir: string,
): Promise<AccountRow[]> {
  const { readAccounts } = await import("../store/mod.ts");
  const doc = await readAccounts(purpleDir);
  const rows: AccountRow[] = [];
  const env = config.XMPP_JID?.toLowerCase();
  if (env) {
    rows.push({
      jid: env,
      resource: config.XMPP_RESOURCE,
      source: "environment",
      enabled: true,
      default: true,
      server: config.XMPP_SERVER,
      port: config.XMPP_PORT,
      password: config.XMPP_PASSWORD ? "environment" : "prompt",
    });
  }
  const fallback = doc.defaultAccount?.jid;
  for (const a of doc.xmppAccounts) {
    if (a.jid === env) continue;
    const command = config.settings?.accounts?.[a.jid]?.passwordCommand ??
      config.settings?.passwordCommand;
    rows.push({
      jid: a.jid,
      resource: a.resource,
      alias: a.alias,
      source: "profile",
      enabled: a.enabled,
      enabledBy: a.enabledBy ? UI_NAMES[a.enabledBy] : undefined,
      default: !env && a.jid === fallback,
      server: a.connectServer,
      port: a.port,
      password: config.XMPP_PASSWORD && !env
        ? "environment"
        : a.password
        ? "remembered"
        : command
        ? "command"
        : "prompt",
    });
  }
  return rows;
}
