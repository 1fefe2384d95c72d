/**
 * Pidgin's `accounts.xml`, read as libpurple reads it (account.c,
 * `load_accounts` / `parse_account` / `parse_settings`) and edited so that
 * everything an edit does not touch keeps its text byte for byte: other
 * protocols' accounts, statuses, unknown elements and settings, whitespace,
 * comments. What an edit adds is written as `account_to_xmlnode` writes it.
 * Pure: no file access here (that is `profile_store.ts`).
 */
import {
  checkXmlText,
  type ElementSpec,
  insertChild,
  type Place,
  removeChild,
  replaceChild,
  setText,
} from "./_xml_edit.ts";
import {
  type PurpleSetting,
  readSettings,
  settingSpec,
  type SettingValue,
  writeSetting,
} from "./_purple_settings.ts";
import {
  childElements,
  firstChild,
  parseXmlTree,
  ProfileSyntaxError,
  serializeXmlTree,
} from "./_xml_tree.ts";
import type { XmlDocument, XmlElement } from "./_xml_tree.ts";

export type { PurpleSetting, SettingValue } from "./_purple_settings.ts";
export { ProfileSyntaxError } from "./_xml_tree.ts";

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

/** What {@linkcode AccountsXml.addXmppAccount} writes. */
export interface NewXmppAccount {
  /** `user@domain`, optionally `/resource`. */
  jid: string;
  /** Stored in clear text, as Pidgin does; leave out unless the user asked to remember it. */
  password?: string;
  alias?: string;
  connectServer?: string;
  port?: number;
  /** Written as pidgin's `auto-login` (default true). */
  enabled?: boolean;
}

/** The bare JID of an XMPP user name, lower-cased as libpurple's `jabber_normalize` does for ASCII. */
export function bareJidOf(name: string): string {
  return name.split("/")[0]!.toLowerCase();
}

const JID = /^[^@/\s]+@[^@/\s]+(\/.+)?$/;

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

function readAccount(element: XmlElement): PurpleAccount | undefined {
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

function toXmpp(account: PurpleAccount): XmppAccount {
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

// account_to_xmlnode's order of an account's children.
const ORDER = [
  "protocol",
  "name",
  "password",
  "alias",
  "statuses",
  "userinfo",
  "settings",
  "ui-settings",
  "proxy",
  "current_error",
];

function rankOf(element: XmlElement): number {
  if (element.name === "settings" && element.attrs.has("ui")) {
    return ORDER.indexOf("ui-settings");
  }
  return ORDER.indexOf(element.name);
}

/** Where a child of kind `kind` goes among an account's children, in libpurple's order. */
function placeFor(account: XmlElement, kind: string): Place {
  const rank = ORDER.indexOf(kind);
  const before = childElements(account).filter((c) => {
    const r = rankOf(c);
    return r >= 0 && r <= rank;
  });
  const last = before[before.length - 1];
  return last ? { after: last } : "first";
}

function checkText(value: string | undefined, what: string): void {
  if (value !== undefined) checkXmlText(value, what);
}

/**
 * An accounts.xml document. Edits change the tree in place and touch only
 * what they change; {@linkcode serializeAccountsXml} writes it out. Methods
 * taking a JID accept it bare or with a resource, in any case, and return
 * false (changing nothing) when there is no such XMPP account.
 */
export class AccountsXml {
  readonly #doc: XmlDocument;
  readonly #original: string;

  /** Use {@linkcode parseAccountsXml}. */
  constructor(doc: XmlDocument, original: string) {
    this.#doc = doc;
    this.#original = original;
  }

  /** The file's text: byte for byte what was parsed where no edit changed anything. */
  toString(): string {
    const text = serializeXmlTree(this.#doc);
    return text === EMPTY_ACCOUNTS && /^\s*$/.test(this.#original)
      ? this.#original
      : text;
  }

  /** Every account libpurple would load, in file order (libpurple's account order). */
  get accounts(): PurpleAccount[] {
    return childElements(this.#doc.root, "account").flatMap((e) =>
      readAccount(e) ?? []
    );
  }

  /**
   * The XMPP accounts, in file order. A JID listed twice is listed once,
   * from its first element (libpurple merges the second into the first).
   */
  get xmppAccounts(): XmppAccount[] {
    const seen = new Set<string>();
    return this.accounts.filter((a) => a.protocol === XMPP_PROTOCOL).map(toXmpp)
      .filter((a) => !seen.has(a.jid) && seen.add(a.jid));
  }

  /** pidgin's default account; see {@linkcode defaultAccountOf}. */
  get defaultAccount(): XmppAccount | undefined {
    return defaultAccountOf(this.xmppAccounts);
  }

  /** The XMPP account of `jid`. */
  find(jid: string): XmppAccount | undefined {
    return this.xmppAccounts.find((a) => a.jid === bareJidOf(jid));
  }

  #element(jid: string): XmlElement | undefined {
    const bare = bareJidOf(jid);
    return childElements(this.#doc.root, "account").find((e) => {
      const account = readAccount(e);
      return account?.protocol === XMPP_PROTOCOL &&
        bareJidOf(account.userName) === bare;
    });
  }

  /**
   * Adds an XMPP account at the end, laid out as libpurple writes a new one:
   * protocol, name, password, alias, settings (`connect_server`, `port`),
   * pidgin's UI settings (`auto-login`), `<current_error/>`. Returns it, or
   * undefined when the file already has an account with that bare JID.
   * Throws RangeError for a JID that is not `user@domain[/resource]`, a port
   * outside 1–65535 or text XML cannot hold.
   */
  addXmppAccount(account: NewXmppAccount): XmppAccount | undefined {
    if (!JID.test(account.jid)) {
      throw new RangeError(
        `Cannot add the account "${account.jid}": not a JID of the form user@domain[/resource]`,
      );
    }
    checkPort(account.port);
    for (
      const [value, what] of [[account.password, "the password"], [
        account.alias,
        "the alias",
      ], [account.connectServer, "the server"]] as const
    ) {
      checkText(value, what);
    }
    if (this.find(account.jid)) return undefined;
    const children: ElementSpec[] = [
      { name: "protocol", text: XMPP_PROTOCOL },
      { name: "name", text: account.jid },
    ];
    if (account.password) {
      children.push({ name: "password", text: account.password });
    }
    if (account.alias) children.push({ name: "alias", text: account.alias });
    const settings: ElementSpec[] = [];
    if (account.connectServer) {
      settings.push(settingSpec("connect_server", account.connectServer));
    }
    if (account.port !== undefined) {
      settings.push(settingSpec("port", account.port));
    }
    if (settings.length > 0) {
      children.push({ name: "settings", children: settings });
    }
    children.push(
      {
        name: "settings",
        attrs: [["ui", PIDGIN_CLI_UI]],
        children: [settingSpec("auto-login", account.enabled ?? true)],
      },
      { name: "current_error" },
    );
    insertChild(this.#doc.root, { name: "account", children });
    return this.find(account.jid);
  }

  /** Removes the XMPP account of `jid` (its first element, the one libpurple uses). */
  removeXmppAccount(jid: string): boolean {
    const element = this.#element(jid);
    if (!element) return false;
    removeChild(this.#doc.root, element);
    return true;
  }

  /** Remembers `password` in clear text (as Pidgin does), or with `undefined` forgets it. */
  setPassword(jid: string, password: string | undefined): boolean {
    return this.#setChild(
      jid,
      "password",
      password || undefined,
      "the password",
    );
  }

  /** Sets the account's alias, or with `undefined` (or "") removes it. */
  setAlias(jid: string, alias: string | undefined): boolean {
    return this.#setChild(jid, "alias", alias || undefined, "the alias");
  }

  #setChild(
    jid: string,
    name: string,
    value: string | undefined,
    what: string,
  ): boolean {
    checkText(value, what);
    const account = this.#element(jid);
    if (!account) return false;
    const existing = childElements(account, name);
    if (value === undefined) {
      for (const e of existing) removeChild(account, e);
      return true;
    }
    const first = existing[0];
    if (first && first.attrList.length === 0) setText(first, value);
    else if (first) replaceChild(account, first, { name, text: value });
    else insertChild(account, { name, text: value }, placeFor(account, name));
    return true;
  }

  /** Sets whether `ui` (default pidgin's) logs in with the account: its `auto-login` UI setting. */
  setEnabled(
    jid: string,
    enabled: boolean,
    ui: string = PIDGIN_CLI_UI,
  ): boolean {
    return this.setUiSetting(jid, ui, "auto-login", enabled);
  }

  /** Sets the `connect_server` setting, or with `undefined` (or "") removes it. */
  setConnectServer(jid: string, server: string | undefined): boolean {
    return this.setSetting(jid, "connect_server", server || undefined);
  }

  /** Sets the `port` setting (1–65535), or with `undefined` removes it. */
  setPort(jid: string, port: number | undefined): boolean {
    checkPort(port);
    return this.setSetting(jid, "port", port);
  }

  /** Marks `jid` as pidgin's default account (the `default` UI setting) and unmarks every other. */
  setDefault(jid: string): boolean {
    if (!this.#element(jid)) return false;
    for (const account of this.xmppAccounts) {
      if (account.jid !== bareJidOf(jid) && account.isDefault) {
        this.setUiSetting(account.jid, PIDGIN_CLI_UI, "default", undefined);
      }
    }
    return this.setUiSetting(jid, PIDGIN_CLI_UI, "default", true);
  }

  /** Sets one protocol setting (`<settings>`), or with `undefined` removes it. */
  setSetting(
    jid: string,
    name: string,
    value: SettingValue | undefined,
  ): boolean {
    return this.#writeSetting(jid, undefined, name, value);
  }

  /** Sets one UI setting (`<settings ui='…'>`), or with `undefined` removes it. */
  setUiSetting(
    jid: string,
    ui: string,
    name: string,
    value: SettingValue | undefined,
  ): boolean {
    checkXmlText(ui, "the UI id");
    return this.#writeSetting(jid, ui, name, value);
  }

  #writeSetting(
    jid: string,
    ui: string | undefined,
    name: string,
    value: SettingValue | undefined,
  ): boolean {
    checkXmlText(name, "the setting name");
    if (typeof value === "string") checkXmlText(value, "the setting");
    const account = this.#element(jid);
    if (!account) return false;
    const blocks = childElements(account, "settings").filter((b) =>
      b.attrs.get("ui") === ui
    );
    const filled = blocks.filter((b) => childElements(b).length > 0);
    writeSetting(blocks, name, value === "" ? undefined : value, () => {
      const spec: ElementSpec = ui === undefined
        ? { name: "settings" }
        : { name: "settings", attrs: [["ui", ui]] };
      const after = ui === undefined
        ? placeFor(account, "settings")
        : lastSettings(account) ?? placeFor(account, "ui-settings");
      return insertChild(account, spec, after);
    });
    // libpurple writes no empty <settings>: drop one the edit emptied.
    for (const block of filled) {
      if (childElements(block).length === 0) removeChild(account, block);
    }
    return true;
  }
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

function lastSettings(account: XmlElement): Place | undefined {
  const blocks = childElements(account, "settings");
  const last = blocks[blocks.length - 1];
  return last ? { after: last } : undefined;
}

function checkPort(port: number | undefined): void {
  if (
    port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)
  ) {
    throw new RangeError(
      `Cannot store the port ${port}: not a port number (1-65535)`,
    );
  }
}

const EMPTY_ACCOUNTS =
  "<?xml version='1.0' encoding='UTF-8' ?>\n\n<account version='1.0'/>\n";

/**
 * Parses accounts.xml text. Empty (or blank) text is a file without
 * accounts. Throws {@linkcode ProfileSyntaxError} (a SyntaxError with the
 * line) for text that is not well-formed XML, has a DOCTYPE, is too large or
 * too deep, or whose root is not `<account>`.
 */
export function parseAccountsXml(text: string): AccountsXml {
  const doc = parseXmlTree(/^\s*$/.test(text) ? EMPTY_ACCOUNTS : text);
  if (doc.root.name !== "account") {
    throw new ProfileSyntaxError(
      doc.root.line,
      `not an accounts.xml: the root element is <${doc.root.name}>, not <account>`,
    );
  }
  return new AccountsXml(doc, text);
}

/** The text of `doc`: byte for byte the parsed text where no edit changed anything. */
export function serializeAccountsXml(doc: AccountsXml): string {
  return doc.toString();
}
