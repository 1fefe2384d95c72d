/**
 * The accounts pidgin can log in as: the environment account (XMPP_JID,
 * XMPP_PASSWORD, … as always) and the XMPP accounts of the profile's
 * accounts.xml, read as Pidgin reads them. A command acts as `--account`,
 * else the environment account, else the profile's default account.
 */
import type { Config } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import type { XmppAccount } from "../store/mod.ts";
import { passwordFromCommand } from "./password.ts";
import { keptResource } from "./resource.ts";

/** One XMPP account, ready to connect. */
export interface Account {
  /** Bare JID, lower-case. */
  jid: string;
  /** Where it is defined. */
  source: "environment" | "profile";
  /** Its alias in accounts.xml, if any. */
  alias?: string;
  /** Whether interactive mode goes online with it (profile accounts: Pidgin's enabled state). */
  enabled: boolean;
  /** The user name libpurple knows it by (`alice@localhost/Finch`): buddies in blist.xml name it. */
  userName?: string;
  /**
   * The account's own resource (bound exactly by a long-lived session): the
   * configured one (--resource, XMPP_RESOURCE, the one in accounts.xml),
   * else the one kept in the profile, made on first use.
   */
  resource(): Promise<string>;
  /** The password, asked for only when a session starts (reading logs needs none). */
  password(): Promise<string>;
  /** Host, address or xmpp(s):// URI; SRV lookup when absent. */
  server?: string;
  port?: number;
  /** A PEM file of extra CAs to trust. */
  caFile?: string;
}

/** What account resolution reads. */
export interface AccountSources {
  config: Config;
  purpleDir: string;
  /** `--account`: the account a command acts as. */
  chosen?: string;
  /** Asks for a password on a terminal; absent when there is none. */
  prompt?: (account: string) => Promise<string>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => value ??= make();
}

async function keptOr(
  configured: string | undefined,
  purpleDir: string,
  jid: string,
): Promise<string> {
  if (configured) return configured;
  return await keptResource(purpleDir, jid);
}

/** The password of a profile account: the environment's, the remembered one, a password command, a prompt. */
async function profilePassword(
  sources: AccountSources,
  account: XmppAccount,
): Promise<string> {
  const { config, purpleDir, prompt } = sources;
  const envJid = config.XMPP_JID?.toLowerCase();
  if (config.XMPP_PASSWORD && (!envJid || envJid === account.jid)) {
    return config.XMPP_PASSWORD;
  }
  if (account.password) return account.password;
  const command = config.settings?.accounts?.[account.jid]?.passwordCommand ??
    config.settings?.passwordCommand;
  if (command) {
    const [{ join }, { SETTINGS_FILE }] = await Promise.all([
      import("node:path"),
      import("../config/mod.ts"),
    ]);
    return passwordFromCommand(
      command,
      account.jid,
      join(purpleDir, SETTINGS_FILE),
    );
  }
  if (prompt) return prompt(account.jid);
  throw new ConfigError(`Missing the password of "${account.jid}"`, {
    hint:
      `Run pidgin account password ${account.jid}, set XMPP_PASSWORD, or set passwordCommand in xmpp_settings.json`,
  });
}

function fromProfile(
  sources: AccountSources,
  account: XmppAccount,
  overrides: boolean,
): Account {
  const { config, purpleDir } = sources;
  return {
    jid: account.jid,
    source: "profile",
    alias: account.alias,
    enabled: account.enabled,
    userName: account.userName,
    resource: once(() =>
      keptOr(
        (overrides ? config.XMPP_RESOURCE : undefined) ?? account.resource,
        purpleDir,
        account.jid,
      )
    ),
    password: once(() => profilePassword(sources, account)),
    server: (overrides ? config.XMPP_SERVER : undefined) ??
      account.connectServer,
    port: (overrides ? config.XMPP_PORT : undefined) ?? account.port,
    caFile: config.XMPP_CA_FILE,
  };
}

async function fromEnvironment(sources: AccountSources): Promise<Account> {
  const { config, purpleDir, prompt } = sources;
  const [{ requireSetting }, { toBareJid }] = await Promise.all([
    import("../config/mod.ts"),
    import("../xmpp/mod.ts"),
  ]);
  const jid = toBareJid(requireSetting(config, "XMPP_JID"));
  return {
    jid,
    source: "environment",
    enabled: true,
    resource: once(() => keptOr(config.XMPP_RESOURCE, purpleDir, jid)),
    password: once(() => {
      if (config.XMPP_PASSWORD || !prompt) {
        return Promise.resolve(requireSetting(config, "XMPP_PASSWORD"));
      }
      return prompt(jid);
    }),
    server: config.XMPP_SERVER,
    port: config.XMPP_PORT,
    caFile: config.XMPP_CA_FILE,
  };
}

/** Every account of this run: the environment account first, then the profile's. */
export async function listAccounts(
  sources: AccountSources,
): Promise<Account[]> {
  const { readAccounts } = await import("../store/mod.ts");
  const doc = await readAccounts(sources.purpleDir);
  const env = sources.config.XMPP_JID
    ? await fromEnvironment(sources)
    : undefined;
  const chosen = sources.chosen?.toLowerCase();
  const profile = doc.xmppAccounts
    .filter((a) => a.jid !== env?.jid)
    .map((a) => fromProfile(sources, a, !env && (!chosen || chosen === a.jid)));
  return env ? [env, ...profile] : profile;
}

/** The account a command acts as: `--account`, else XMPP_JID, else the profile's default. */
export async function chooseAccount(sources: AccountSources): Promise<Account> {
  const chosen = sources.chosen?.trim().toLowerCase();
  if (!chosen && sources.config.XMPP_JID) return fromEnvironment(sources);
  const { readAccounts } = await import("../store/mod.ts");
  const doc = await readAccounts(sources.purpleDir);
  if (chosen) {
    const env = sources.config.XMPP_JID?.toLowerCase();
    if (env === chosen) return fromEnvironment(sources);
    const account = doc.find(chosen);
    if (!account) {
      throw new ConfigError(`No account "${sources.chosen}" in this profile`, {
        hint:
          "pidgin account list shows the accounts; pidgin account add <jid> adds one",
      });
    }
    return fromProfile(sources, account, true);
  }
  const fallback = doc.defaultAccount;
  if (!fallback) {
    throw new ConfigError(
      "No account to use: XMPP_JID is not set and the profile has no XMPP account",
      {
        hint:
          "Run pidgin account add you@example.com, or set XMPP_JID and XMPP_PASSWORD",
      },
    );
  }
  return fromProfile(sources, fallback, true);
}
