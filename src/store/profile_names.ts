/**
 * The display names Pidgin uses in logs, read from a profile: the account's
 * own alias (accounts.xml) and what blist.xml knows of each buddy (its alias,
 * its contact's alias, the nickname the contact publishes). One naming rule,
 * libpurple's, decides which name shows: see {@linkcode ProfileNames.nameOf}.
 * Pure parsing here; reading the files is `readProfileNames`.
 */
import { parse } from "ltx";
import type { Element } from "ltx";
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";

/** What blist.xml says about one buddy. */
export interface BuddyNames {
  /** `<buddy><alias>`: the local alias (for XMPP, a copy of the roster name). */
  alias?: string;
  /** `<contact alias="…">`: the alias of the contact the buddy belongs to. */
  contactAlias?: string;
  /** `<setting name='servernick'>`: the nickname the contact publishes. */
  serverAlias?: string;
}

/** Names of one account, keyed by lower-case bare JID. */
export interface ProfileNames {
  /** The account's alias from accounts.xml, if it has one. */
  accountAlias?: string;
  /** Buddy aliases from blist.xml (`<buddy><alias>`). */
  buddyAliases: Map<string, string>;
  /** Everything blist.xml says about each buddy's names. */
  buddies: Map<string, BuddyNames>;
  /**
   * The name Pidgin shows and logs for a contact, given the roster name the
   * server has for it (undefined: the roster has none; "" clears the alias,
   * as an empty `name` does in libpurple). In order:
   * - the buddy alias: for XMPP libpurple overwrites it with the roster name
   *   whenever the roster has one (jabber/roster.c,
   *   `add_purple_buddy_to_groups` → `purple_serv_got_private_alias`), and
   *   `/alias` sets the roster name, so the roster name comes first and the
   *   blist alias only stands in while the roster has none;
   * - the contact alias, then the server alias (the published nickname),
   *   then the JID: `purple_buddy_get_contact_alias` (blist.c), which
   *   `purple_conversation_write` (conversation.c) uses for received IMs.
   */
  nameOf(bareJid: string, rosterName?: string): string;
}

/** libpurple's order for one buddy; see {@linkcode ProfileNames.nameOf}. */
export function nameOf(
  buddy: BuddyNames | undefined,
  bareJid: string,
  rosterName?: string,
): string {
  const alias = rosterName !== undefined ? rosterName : buddy?.alias;
  return alias || buddy?.contactAlias || buddy?.serverAlias || bareJid;
}

function bareOf(name: string): string {
  return name.split("/")[0]!.toLowerCase();
}

function parseXml(text: string, what: string): Element {
  try {
    return parse(text) as Element;
  } catch (err) {
    throw new SyntaxError(`${what} is not well-formed XML`, { cause: err });
  }
}

/** Reads the alias of the jabber account `bareJid` from accounts.xml text. */
export function parseAccountAlias(
  xml: string,
  bareJid: string,
): string | undefined {
  const root = parseXml(xml, "accounts.xml");
  for (const account of root.getChildren("account")) {
    if (account.getChildText("protocol") !== "prpl-jabber") continue;
    const name = account.getChildText("name");
    if (name && bareOf(name) === bareJid.toLowerCase()) {
      const alias = account.getChildText("alias");
      return alias ? alias : undefined;
    }
  }
  return undefined;
}

/**
 * Reads what blist.xml says about the buddies of account `bareJid`. A JID
 * listed twice counts where libpurple's `purple_find_buddy` finds it: in the
 * first group that has it.
 */
export function parseBuddyNames(
  xml: string,
  bareJid: string,
): Map<string, BuddyNames> {
  const root = parseXml(xml, "blist.xml");
  const buddies = new Map<string, BuddyNames>();
  const blist = root.getChild("blist");
  for (const group of blist?.getChildren("group") ?? []) {
    for (const contact of group.getChildren("contact")) {
      // blist.c, parse_contact and purple_blist_alias_contact: "" is no alias.
      const contactAlias = String(contact.attrs.alias ?? "") || undefined;
      for (const buddy of contact.getChildren("buddy")) {
        const account = String(buddy.attrs.account ?? "");
        if (
          buddy.attrs.proto !== "prpl-jabber" ||
          bareOf(account) !== bareJid.toLowerCase()
        ) {
          continue;
        }
        const name = buddy.getChildText("name");
        if (!name || buddies.has(bareOf(name))) continue;
        const servernick = buddy.getChildren("setting").find((s) =>
          s.attrs.name === "servernick" && s.attrs.type === "string"
        );
        buddies.set(bareOf(name), {
          alias: buddy.getChildText("alias") || undefined,
          contactAlias,
          serverAlias: servernick?.getText() || undefined,
        });
      }
    }
  }
  return buddies;
}

/** Reads buddy aliases of the account `bareJid` from blist.xml text. */
export function parseBuddyAliases(
  xml: string,
  bareJid: string,
): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [jid, names] of parseBuddyNames(xml, bareJid)) {
    if (names.alias) aliases.set(jid, names.alias);
  }
  return aliases;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(`Cannot read Pidgin file "${file}"`, err);
  }
}

/**
 * Reads the aliases of account `bareJid` from the profile. Missing files mean
 * no aliases; a malformed file is a `StoreError`.
 *
 * Requires read access to the profile directory.
 */
export async function readProfileNames(
  purpleDir: string,
  bareJid: string,
): Promise<ProfileNames> {
  const accountsFile = join(purpleDir, "accounts.xml");
  const blistFile = join(purpleDir, "blist.xml");
  const [accounts, blist] = await Promise.all([
    readOptional(accountsFile),
    readOptional(blistFile),
  ]);
  try {
    const buddies = blist ? parseBuddyNames(blist, bareJid) : new Map();
    const buddyAliases = new Map<string, string>();
    for (const [jid, names] of buddies) {
      if (names.alias) buddyAliases.set(jid, names.alias);
    }
    return {
      accountAlias: accounts ? parseAccountAlias(accounts, bareJid) : undefined,
      buddyAliases,
      buddies,
      nameOf(jid, rosterName) {
        return nameOf(buddies.get(jid.toLowerCase()), jid, rosterName);
      },
    };
  } catch (err) {
    const file = err instanceof SyntaxError && err.message.startsWith("blist")
      ? blistFile
      : accountsFile;
    throw new StoreError(
      `Cannot read Pidgin file "${file}": not well-formed XML`,
      {
        cause: err,
        hint: "Close Pidgin and retry, or pass --purple-dir",
      },
    );
  }
}
