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
  removeChild,
  replaceChild,
  setText,
} from "./_xml_edit.ts";
import { type SettingValue, writeSetting } from "./_purple_settings.ts";
import {
  childElements,
  parseProfileXml,
  serializeXmlTree,
} from "./_xml_tree.ts";
import type { XmlDocument, XmlElement } from "./_xml_tree.ts";

import {
  bareJidOf,
  defaultAccountOf,
  PIDGIN_CLI_UI,
  type PurpleAccount,
  readAccount,
  toXmpp,
  XMPP_PROTOCOL,
  type XmppAccount,
} from "./_account_read.ts";
import {
  checkPort,
  lastSettings,
  newAccountSpec,
  type NewXmppAccount,
  placeFor,
} from "./_account_layout.ts";

export type { PurpleSetting, SettingValue } from "./_purple_settings.ts";
export type { NewXmppAccount } from "./_account_layout.ts";
export {
  bareJidOf,
  defaultAccountOf,
  ENABLED_UI_ORDER,
  FINCH_UI,
  PIDGIN_CLI_UI,
  PIDGIN_UI,
  type PurpleAccount,
  XMPP_PROTOCOL,
  type XmppAccount,
} from "./_account_read.ts";
export { ProfileSyntaxError } from "./_xml_tree.ts";

function checkText(value: string | undefined, what: string): void {
  if (value !== undefined) checkXmlText(value, what);
}

/** One setting to write with {@linkcode AccountsXml.setSetting}. */
export interface AccountSettingEdit {
  /** The UI whose settings it is; absent for the protocol's settings. */
  ui?: string;
  name: string;
  /** The value, or `undefined` to remove the setting. */
  value: SettingValue | undefined;
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
    const spec = newAccountSpec(account);
    if (this.find(account.jid)) return undefined;
    insertChild(this.#doc.root, spec);
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

  /**
   * Sets whether a UI logs in with the account: its `auto-login` UI setting,
   * by default pidgin's (`ui` {@linkcode PIDGIN_CLI_UI}); Pidgin's and Finch's
   * stay as they are unless `ui` names them.
   */
  setEnabled(
    jid: string,
    enabled: boolean,
    options: { ui?: string } = {},
  ): boolean {
    return this.setSetting(jid, {
      ui: options.ui ?? PIDGIN_CLI_UI,
      name: "auto-login",
      value: enabled,
    });
  }

  /** Sets the `connect_server` setting, or with `undefined` (or "") removes it. */
  setConnectServer(jid: string, server: string | undefined): boolean {
    return this.setSetting(jid, { name: "connect_server", value: server });
  }

  /** Sets the `port` setting (1–65535), or with `undefined` removes it. */
  setPort(jid: string, port: number | undefined): boolean {
    checkPort(port);
    return this.setSetting(jid, { name: "port", value: port });
  }

  /** Marks `jid` as pidgin's default account (the `default` UI setting) and unmarks every other. */
  setDefault(jid: string): boolean {
    if (!this.#element(jid)) return false;
    const mark = { ui: PIDGIN_CLI_UI, name: "default" };
    for (const account of this.xmppAccounts) {
      if (account.jid !== bareJidOf(jid) && account.isDefault) {
        this.setSetting(account.jid, { ...mark, value: undefined });
      }
    }
    return this.setSetting(jid, { ...mark, value: true });
  }

  /**
   * Sets one setting of the account: a protocol setting (`<settings>`), or
   * with `ui` one of that UI (`<settings ui='…'>`). A string is stored as
   * `string`, an integer as `int`, a boolean as `bool`; `undefined` or ""
   * removes it (libpurple drops an empty setting anyway).
   */
  setSetting(jid: string, setting: AccountSettingEdit): boolean {
    const { ui, name, value } = setting;
    if (ui !== undefined) checkXmlText(ui, "the UI id");
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

const EMPTY_ACCOUNTS =
  "<?xml version='1.0' encoding='UTF-8' ?>\n\n<account version='1.0'/>\n";

/**
 * Parses accounts.xml text. Empty (or blank) text is a file without
 * accounts. Throws {@linkcode ProfileSyntaxError} (a SyntaxError with the
 * line) for text that is not well-formed XML, has a DOCTYPE, is too large or
 * too deep, or whose root is not `<account>`.
 */
export function parseAccountsXml(text: string): AccountsXml {
  const doc = parseProfileXml(text, {
    name: "an accounts.xml",
    root: "account",
    empty: EMPTY_ACCOUNTS,
  });
  return new AccountsXml(doc, text);
}

/** The text of `doc`: byte for byte the parsed text where no edit changed anything. */
export function serializeAccountsXml(doc: AccountsXml): string {
  return doc.toString();
}
