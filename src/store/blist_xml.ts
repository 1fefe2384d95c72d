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
  parseXmlTree,
  ProfileSyntaxError,
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
 * A blist.xml document. Edits change the tree in place and touch only what
 * they change; {@linkcode serializeBlistXml} writes it out. `account` is
 * the account's user name as in accounts.xml (written into new buddies; a
 * bare JID works too); buddies match it by bare JID and `prpl-jabber`.
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

  #nodes(account: string, jid: string) {
    const accountJid = lower(account);
    return buddyNodes(this.#doc).filter((n) =>
      isXmppBuddyOf(n.buddy, accountJid) && buddyJid(n.buddy) === lower(jid)
    );
  }

  /** Sets the alias of the buddy `jid` in every group (as libpurple's `serv_got_private_alias`), or clears it. False when there is no such buddy. */
  setBuddyAlias(
    account: string,
    jid: string,
    alias: string | undefined,
  ): boolean {
    if (alias) checkXmlText(alias, "the alias");
    const nodes = this.#nodes(account, jid);
    for (const node of nodes) setBuddyAliasOf(node.buddy, alias);
    return nodes.length > 0;
  }

  /** Sets (or with undefined removes) one setting of the buddy `jid` in every group. False when there is no such buddy. */
  setBuddySetting(
    account: string,
    jid: string,
    name: string,
    value: SettingValue | undefined,
  ): boolean {
    checkXmlText(name, "the setting name");
    if (typeof value === "string") checkXmlText(value, "the setting");
    const nodes = this.#nodes(account, jid);
    for (const node of nodes) {
      setBuddySettingOf(node.buddy, name, value === "" ? undefined : value);
    }
    return nodes.length > 0;
  }

  /** Adds the buddy `jid` in a new contact at the end of `group` (default "Buddies", created at the top when missing). False when it is already in that group. */
  addBuddy(
    account: string,
    buddy: { jid: string; alias?: string; group?: string },
  ): boolean {
    for (
      const text of [account, buddy.jid, buddy.alias ?? "", buddy.group ?? ""]
    ) checkXmlText(text, "the buddy");
    if (buddy.jid.split("/")[0] === "") {
      throw new RangeError("Cannot add a buddy without a JID");
    }
    const group = storedGroupName(buddy.group ?? "");
    if (
      this.#nodes(account, buddy.jid).some((n) =>
        foldName(groupName(n.group)!) === foldName(group)
      )
    ) return false;
    addToGroup(
      findOrCreateGroup(this.#doc, group),
      buddySpec(account, buddy.jid.split("/")[0]!, buddy.alias, []),
    );
    return true;
  }

  /** Removes the buddy `jid` from every group (or only `group`), with contacts left empty. False when there was none. */
  removeBuddy(account: string, jid: string, group?: string): boolean {
    const nodes = this.#nodes(account, jid).filter((n) =>
      group === undefined || groupName(n.group) === group
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
  const doc = parseXmlTree(/^\s*$/.test(text) ? EMPTY_BLIST : text);
  if (doc.root.name !== "purple") {
    throw new ProfileSyntaxError(
      doc.root.line,
      `not a blist.xml: the root element is <${doc.root.name}>, not <purple>`,
    );
  }
  return new BlistXml(doc, text);
}

/** The text of `doc`: byte for byte the parsed text where no edit changed anything. */
export function serializeBlistXml(doc: BlistXml): string {
  return doc.toString();
}
