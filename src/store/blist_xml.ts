/**
 * Pidgin's buddy list `blist.xml`, read as libpurple's blist.c reads it and
 * edited so that everything an edit does not touch keeps its text byte for
 * byte: other accounts' and protocols' buddies, chats, node settings, the
 * `<privacy>` section, unknown elements, whitespace. Pure: no file access
 * here (that is `profile_store.ts`).
 */
import { checkXmlText } from "./_xml_edit.ts";
import type { SettingValue } from "./_purple_settings.ts";
import {
  parseProfileXml,
  serializeXmlTree,
  type XmlDocument,
} from "./_xml_tree.ts";
import {
  addToGroup,
  buddyJid,
  buddyNodes,
  buddySpec,
  findOrCreateGroup,
  foldName,
  groupElements,
  groupName,
  isXmppBuddyOf,
  removeBuddyNode,
  setBuddyAliasOf,
  setBuddySettingOf,
  storedGroupName,
} from "./_blist_nodes.ts";
import {
  mergeRoster,
  type RosterItem,
  type RosterMergeResult,
} from "./_roster_merge.ts";
import {
  type BlistBuddy,
  type BlistChat,
  readBuddies,
  readChats,
  readXmppBuddies,
  type XmppBuddy,
} from "./_blist_read.ts";

export { DEFAULT_GROUP } from "./_blist_nodes.ts";
export type { BlistBuddy, BlistChat, XmppBuddy } from "./_blist_read.ts";
export {
  PENDING_SETTING,
  type RosterItem,
  type RosterMergeResult,
  type Subscription,
  SUBSCRIPTION_SETTING,
} from "./_roster_merge.ts";

function lower(jid: string): string {
  return jid.split("/")[0]!.toLowerCase();
}

/**
 * An XMPP buddy of one account: `account` is the account's user name as in
 * accounts.xml (it is written into new buddies; a bare JID works too), `jid`
 * the contact's JID. Buddies match by bare JID, in any case, and `prpl-jabber`.
 */
export interface BuddyRef {
  account: string;
  jid: string;
}

/**
 * A blist.xml document. Edits change the tree in place and touch only what
 * they change (only XMPP buddies of the account they name, see
 * {@linkcode BuddyRef}); {@linkcode serializeBlistXml} writes it out.
 */
export class BlistXml {
  readonly #doc: XmlDocument;
  readonly #original: string;

  /** Use {@linkcode parseBlistXml}. */
  constructor(doc: XmlDocument, original: string) {
    this.#doc = doc;
    this.#original = original;
  }

  /** The file's text: byte for byte what was parsed where no edit changed anything. */
  toString(): string {
    const text = serializeXmlTree(this.#doc);
    return text === EMPTY_BLIST && /^\s*$/.test(this.#original)
      ? this.#original
      : text;
  }

  /** The group names libpurple loads, in order. */
  get groups(): string[] {
    return groupElements(this.#doc).map((g) => groupName(g)!);
  }

  /** Every buddy libpurple would load (whatever the account), in file order. */
  get buddies(): BlistBuddy[] {
    return readBuddies(this.#doc);
  }

  /** The XMPP contacts of `account`, one per JID, in the order of their first buddy. */
  xmppBuddies(account: string): XmppBuddy[] {
    return readXmppBuddies(this.#doc, account);
  }

  /** The chats (`<chat>`), kept untouched by every edit. */
  get chats(): BlistChat[] {
    return readChats(this.#doc);
  }

  /**
   * Merges the whole server roster of `account`: buddies the server has not
   * are removed, new ones added in their groups (a new group goes to the top,
   * as libpurple's XMPP code puts it), buddies whose groups changed are moved
   * with their settings; the roster name becomes the alias (when the item has
   * one), the subscription goes into {@linkcode SUBSCRIPTION_SETTING} and
   * {@linkcode PENDING_SETTING}. Other accounts, contact aliases, settings
   * and chats stay.
   */
  mergeRoster(account: string, items: RosterItem[]): RosterMergeResult {
    return mergeRoster(this.#doc, account, items);
  }

  #nodes(buddy: BuddyRef) {
    const accountJid = lower(buddy.account);
    return buddyNodes(this.#doc).filter((n) =>
      isXmppBuddyOf(n.buddy, accountJid) &&
      buddyJid(n.buddy) === lower(buddy.jid)
    );
  }

  /**
   * Sets the alias of the XMPP buddy in every group it is in (as libpurple's
   * `serv_got_private_alias`), or with undefined / "" removes it. False when
   * there is no such buddy.
   */
  setBuddyAlias(buddy: BuddyRef, alias: string | undefined): boolean {
    if (alias) checkXmlText(alias, "the alias");
    const nodes = this.#nodes(buddy);
    for (const node of nodes) setBuddyAliasOf(node.buddy, alias);
    return nodes.length > 0;
  }

  /**
   * Sets one setting of the XMPP buddy in every group it is in, or with
   * `value` undefined / "" removes it. False when there is no such buddy.
   */
  setBuddySetting(
    buddy: BuddyRef,
    setting: { name: string; value: SettingValue | undefined },
  ): boolean {
    const { name, value } = setting;
    checkXmlText(name, "the setting name");
    if (typeof value === "string") checkXmlText(value, "the setting");
    const nodes = this.#nodes(buddy);
    for (const node of nodes) {
      setBuddySettingOf(node.buddy, name, value === "" ? undefined : value);
    }
    return nodes.length > 0;
  }

  /**
   * Adds the XMPP buddy in a new contact at the end of `group` (default
   * "Buddies"; a missing group is created at the top). False when it is
   * already in that group. Throws RangeError for an empty JID or text XML
   * cannot hold.
   */
  addBuddy(buddy: BuddyRef & { alias?: string; group?: string }): boolean {
    const texts = [
      buddy.account,
      buddy.jid,
      buddy.alias ?? "",
      buddy.group ?? "",
    ];
    for (const text of texts) checkXmlText(text, "the buddy");
    const jid = buddy.jid.split("/")[0]!;
    if (jid === "") throw new RangeError("Cannot add a buddy without a JID");
    const group = storedGroupName(buddy.group ?? "");
    const fold = foldName(group);
    if (
      this.#nodes(buddy).some((n) => foldName(groupName(n.group)!) === fold)
    ) {
      return false;
    }
    addToGroup(
      findOrCreateGroup(this.#doc, group),
      buddySpec(buddy.account, jid, buddy.alias, []),
    );
    return true;
  }

  /**
   * Removes the XMPP buddy from every group (or only from `group`), and
   * contacts left without a buddy. False when there was none.
   */
  removeBuddy(buddy: BuddyRef & { group?: string }): boolean {
    const nodes = this.#nodes(buddy).filter((n) =>
      buddy.group === undefined || groupName(n.group) === buddy.group
    );
    nodes.forEach(removeBuddyNode);
    return nodes.length > 0;
  }
}

const EMPTY_BLIST =
  "<?xml version='1.0' encoding='UTF-8' ?>\n\n<purple version='1.0'>\n\t<blist/>\n\t<privacy/>\n</purple>\n";

/**
 * Parses blist.xml text. Empty (or blank) text is an empty buddy list.
 * Throws {@linkcode ProfileSyntaxError} (a SyntaxError with the line) for
 * text that is not well-formed XML, has a DOCTYPE, is too large or too deep,
 * or whose root is not `<purple>`.
 */
export function parseBlistXml(text: string): BlistXml {
  const doc = parseProfileXml(text, {
    name: "a blist.xml",
    root: "purple",
    empty: EMPTY_BLIST,
  });
  return new BlistXml(doc, text);
}

/** The text of `doc`: byte for byte the parsed text where no edit changed anything. */
export function serializeBlistXml(doc: BlistXml): string {
  return doc.toString();
}
