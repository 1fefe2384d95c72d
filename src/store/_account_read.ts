/**
 * Reading accounts.xml's `<account>` elements as libpurple's account.c does
 * (`parse_account`, `parse_settings`), and what pidgin makes of an XMPP one.
 */
import { type PurpleSetting, readSettings } from "./_purple_settings.ts";
import { childElements, firstChild, type XmlElement } from "./_xml_tree.ts";

/** The UI id pidgin keeps its per-account settings under (`<settings ui='pidgin-cli'>`). */
export const PIDGIN_CLI_UI = "pidgin-cli";
/** Pidgin's UI id (pidgin/pidgin.h, `PIDGIN_UI`). */
export const PIDGIN_UI = "gtk-gaim";
/** Finch's UI id (finch/finch.h, `FINCH_UI`). */
export const FINCH_UI = "gnt-purple";
/** Whose `auto-login` decides whether pidgin uses an account, first one set wins. */
export const ENABLED_UI_ORDER: readonly string[] = [
  PIDGIN_CLI_UI,
  PIDGIN_UI,
  FINCH_UI,
];
/** The protocol id of XMPP accounts. */
export const XMPP_PROTOCOL = "prpl-jabber";

/** Any account libpurple would load from the file. */
export interface PurpleAccount {
  /** `<protocol>`, e.g. `prpl-jabber`, `prpl-irc`. */
  protocol: string;
  /** `<name>` as written: for XMPP the JID with its resource, `alice@localhost/Finch`. */
  userName: string;
  /** `<alias>`, when not empty. */
  alias?: string;
  /** The remembered clear-text `<password>`; absent when not remembered (or stored encrypted by libpurple 3). */
  password?: string;
  /** `<settings>` without `ui`: the protocol's settings. */
  settings: Map<string, PurpleSetting>;
  /** `<settings ui='…'>` by UI id. */
  uiSettings: Map<string, Map<string, PurpleSetting>>;
}

/** An XMPP (`prpl-jabber`) account with the fields pidgin uses. */
export interface XmppAccount extends PurpleAccount {
  /** The bare JID, lower-cased: `alice@localhost`. */
  jid: string;
  /** The resource of `userName`, if it has one. */
  resource?: string;
  /** Whether pidgin should go online with it; see {@linkcode ENABLED_UI_ORDER}. */
  enabled: boolean;
  /** The UI whose `auto-login` gave `enabled`; absent when none has one (then `enabled` is false, libpurple's default). */
  enabledBy?: string;
  /** The `connect_server` setting, when not empty. */
  connectServer?: string;
  /** The `port` setting, when it is a port number (1–65535). */
  port?: number;
  /** Whether pidgin's `default` UI setting marks it as the default account. */
  isDefault: boolean;
}

/** The bare JID of an XMPP user name, lower-cased as libpurple's `jabber_normalize` does for ASCII. */
export function bareJidOf(name: string): string {
  return name.split("/")[0]!.toLowerCase();
}

function bool(
  settings: Map<string, PurpleSetting> | undefined,
  name: string,
): boolean | undefined {
  const setting = settings?.get(name);
  return setting?.type === "bool" ? setting.value : undefined;
}

function readPassword(account: XmlElement): string | undefined {
  const password = firstChild(account, "password");
  if (!password) return undefined;
  const keyring = password.attrs.get("keyring_id") ?? "";
  const mode = password.attrs.get("mode") ?? "";
  const clear = keyring === "" ||
    (keyring === "keyring-internal" && (mode === "" || mode === "cleartext"));
  return clear && password.text ? password.text : undefined;
}

export function readAccount(element: XmlElement): PurpleAccount | undefined {
  const protocol = firstChild(element, "protocol")?.text;
  const userName = firstChild(element, "name")?.text ??
    firstChild(element, "username")?.text;
  if (!protocol || !userName) return undefined;
  const blocks = childElements(element, "settings");
  const uiSettings = new Map<string, Map<string, PurpleSetting>>();
  for (const block of blocks) {
    const ui = block.attrs.get("ui");
    if (ui === undefined) continue;
    const merged = uiSettings.get(ui) ?? new Map();
    for (const [k, v] of readSettings([block], "account")) merged.set(k, v);
    uiSettings.set(ui, merged);
  }
  const alias = firstChild(element, "alias")?.text;
  const password = readPassword(element);
  return {
    protocol,
    userName,
    ...(alias ? { alias } : {}),
    ...(password !== undefined ? { password } : {}),
    settings: readSettings(blocks.filter((b) => !b.attrs.has("ui")), "account"),
    uiSettings,
  };
}

export function toXmpp(account: PurpleAccount): XmppAccount {
  const slash = account.userName.indexOf("/");
  const xmpp: XmppAccount = {
    ...account,
    jid: bareJidOf(account.userName),
    enabled: false,
    isDefault: bool(account.uiSettings.get(PIDGIN_CLI_UI), "default") === true,
  };
  if (slash >= 0 && slash < account.userName.length - 1) {
    xmpp.resource = account.userName.slice(slash + 1);
  }
  for (const ui of ENABLED_UI_ORDER) {
    const autoLogin = bool(account.uiSettings.get(ui), "auto-login");
    if (autoLogin === undefined) continue;
    xmpp.enabled = autoLogin;
    xmpp.enabledBy = ui;
    break;
  }
  const server = account.settings.get("connect_server");
  if (server?.type === "string" && server.value !== "") {
    xmpp.connectServer = server.value;
  }
  const port = account.settings.get("port");
  if (port?.type === "int" && port.value >= 1 && port.value <= 65535) {
    xmpp.port = port.value;
  }
  return xmpp;
}

/**
 * pidgin's default account among `accounts`: the one marked with
 * {@linkcode AccountsXml.setDefault} (libpurple has no default account of its
 * own), else the first enabled one, else the first one.
 */
export function defaultAccountOf(
  accounts: readonly XmppAccount[],
): XmppAccount | undefined {
  return accounts.find((a) => a.isDefault) ??
    accounts.find((a) => a.enabled) ?? accounts[0];
}
