/**
 * The display names Pidgin uses in logs, read from a profile: the account's
 * own alias (accounts.xml) and what blist.xml knows of each buddy (its alias,
 * its contact's alias, the nickname the contact publishes). One naming rule,
 * libpurple's, decides which name shows: see {@linkcode ProfileNames.nameOf}.
 * Parsing is accounts_xml.ts and blist_xml.ts; reading the files is
 * `readProfileNames`.
 */
import { parseAccountsXml } from "./accounts_xml.ts";
import { type BlistXml, parseBlistXml } from "./blist_xml.ts";
import { readAccounts, readBuddyList } from "./profile_store.ts";

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

/** Reads the alias of the jabber account `bareJid` from accounts.xml text. */
export function parseAccountAlias(
  xml: string,
  bareJid: string,
): string | undefined {
  return parseAccountsXml(xml).find(bareJid)?.alias;
}

function namesOf(blist: BlistXml, bareJid: string): Map<string, BuddyNames> {
  const buddies = new Map<string, BuddyNames>();
  for (const buddy of blist.xmppBuddies(bareJid)) {
    buddies.set(buddy.jid, {
      alias: buddy.alias,
      contactAlias: buddy.contactAlias,
      serverAlias: buddy.serverAlias,
    });
  }
  return buddies;
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
  return namesOf(parseBlistXml(xml), bareJid);
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
  const [accounts, blist] = await Promise.all([
    readAccounts(purpleDir),
    readBuddyList(purpleDir),
  ]);
  const buddies = namesOf(blist, bareJid);
  const buddyAliases = new Map<string, string>();
  for (const [jid, names] of buddies) {
    if (names.alias) buddyAliases.set(jid, names.alias);
  }
  return {
    accountAlias: accounts.find(bareJid)?.alias,
    buddyAliases,
    buddies,
    nameOf(jid, rosterName) {
      return nameOf(buddies.get(jid.toLowerCase()), jid, rosterName);
    },
  };
}
