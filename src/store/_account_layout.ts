/**
 * Where things go in an `<account>` element: libpurple's order of its
 * children (account.c, `account_to_xmlnode`), and checks of what is stored.
 */
import { checkXmlText, type ElementSpec, type Place } from "./_xml_edit.ts";
import { settingSpec } from "./_purple_settings.ts";
import { PIDGIN_CLI_UI, XMPP_PROTOCOL } from "./_account_read.ts";
import { childElements, type XmlElement } from "./_xml_tree.ts";

/** `user@domain`, optionally `/resource`. */
export const JID = /^[^@/\s]+@[^@/\s]+(\/.+)?$/;

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
export function placeFor(account: XmlElement, kind: string): Place {
  const rank = ORDER.indexOf(kind);
  const before = childElements(account).filter((c) => {
    const r = rankOf(c);
    return r >= 0 && r <= rank;
  });
  const last = before[before.length - 1];
  return last ? { after: last } : "first";
}

export function lastSettings(account: XmlElement): Place | undefined {
  const blocks = childElements(account, "settings");
  const last = blocks[blocks.length - 1];
  return last ? { after: last } : undefined;
}

export function checkPort(port: number | undefined): void {
  if (
    port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)
  ) {
    throw new RangeError(
      `Cannot store the port ${port}: not a port number (1-65535)`,
    );
  }
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

/**
 * The `<account>` libpurple writes for a new XMPP account: protocol, name,
 * password, alias, settings (`connect_server`, `port`), pidgin's UI settings
 * (`auto-login`), `<current_error/>`. Throws RangeError for a JID that is not
 * `user@domain[/resource]`, a port outside 1-65535 or text XML cannot hold.
 */
export function newAccountSpec(account: NewXmppAccount): ElementSpec {
  if (!JID.test(account.jid)) {
    throw new RangeError(
      `Cannot add the account "${account.jid}": not a JID of the form user@domain[/resource]`,
    );
  }
  checkPort(account.port);
  checkXmlText(account.jid, "the JID");
  for (
    const [value, what] of [
      [account.password, "the password"],
      [account.alias, "the alias"],
      [account.connectServer, "the server"],
    ] as const
  ) {
    if (value !== undefined) checkXmlText(value, what);
  }
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
  return { name: "account", children };
}
