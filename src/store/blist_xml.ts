/**
 * Pidgin's buddy list `blist.xml`, read as libpurple's blist.c reads it and
 * edited so that everything an edit does not touch keeps its text byte for
 * byte: other accounts' and protocols' buddies, chats, node settings, the
 * `<privacy>` section, unknown elements, whitespace. Pure: no file access
 * here (that is `profile_store.ts`).
 */
import { checkXmlText } from "./_xml_edit.ts";
import {
  type PurpleSetting,
  readSettings,
  type SettingValue,
} from "./_purple_settings.ts";
import {
  childElements,
  firstChild,
  parseXmlTree,
  ProfileSyntaxError,
  serializeXmlTree,
} from "./_xml_tree.ts";
import type { XmlDocument } from "./_xml_tree.ts";
import {
  addToGroup,
  buddyJid,
  buddyNodes,
  buddySpec,
  DEFAULT_GROUP,
  findOrCreateGroup,
  foldName,
  groupElements,
  groupName,
  isXmppBuddyOf,
  protoOf,
  removeBuddyNode,
  setBuddyAliasOf,
  setBuddySettingOf,
} from "./_blist_nodes.ts";
import {
  mergeRoster,
  PENDING_SETTING,
  type RosterItem,
  type RosterMergeResult,
  type Subscription,
  SUBSCRIPTION_SETTING,
} from "./_roster_merge.ts";

export { DEFAULT_GROUP } from "./_blist_nodes.ts";
export {
  PENDING_SETTING,
  type RosterItem,
  type RosterMergeResult,
  type Subscription,
  SUBSCRIPTION_SETTING,
} from "./_roster_merge.ts";

/** One `<buddy>` of any protocol, as libpurple loads it. */
export interface BlistBuddy {
  /** The `account` attribute: the account's user name (`alice@localhost/Finch`). */
  account: string;
  /** `proto` (or the older `protocol`). */
  proto: string;
  /** `<name>`: for XMPP the contact's JID. */
  name: string;
  /** `<alias>`: the local alias (for XMPP libpurple keeps the roster name here). */
  alias?: string;
  /** The group's name ("Buddies" for a group without one). */
  group: string;
  /** `<contact alias='…'>`, when not empty. */
  contactAlias?: string;
  /** The buddy's own settings. */
  settings: Map<string, PurpleSetting>;
}

/** One XMPP contact of one account: its buddies in every group it is in. */
export interface XmppBuddy {
  /** Bare JID, lower-cased. */
  jid: string;
  /** Local alias of the first buddy (libpurple's `purple_find_buddy` finds the first group). */
  alias?: string;
  contactAlias?: string;
  /** The `servernick` setting: the nickname the contact publishes. */
  serverAlias?: string;
  /** Every group it is in, in file order. */
  groups: string[];
  /** The stored roster subscription, when a roster merge stored one. */
  subscription?: Subscription;
  /** Whether our subscription request was pending at the last merge. */
  pending: boolean;
  /** Settings of the first buddy. */
  settings: Map<string, PurpleSetting>;
}

/** A `<chat>`: kept as it is, listed for completeness. */
export interface BlistChat {
  account: string;
  proto: string;
  alias?: string;
  group: string;
  components: Map<string, string>;
  settings: Map<string, PurpleSetting>;
}

const SUBSCRIPTIONS: readonly string[] = ["none", "to", "from", "both"];

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
    return buddyNodes(this.#doc).flatMap(({ group, contact, buddy }) => {
      const account = buddy.attrs.get("account");
      const proto = protoOf(buddy);
      const name = firstChild(buddy, "name")?.text;
      if (account === undefined || proto === undefined || !name) return [];
      const alias = firstChild(buddy, "alias")?.text;
      const contactAlias = contact.attrs.get("alias");
      return [{
        account,
        proto,
        name,
        ...(alias ? { alias } : {}),
        group: groupName(group)!,
        ...(contactAlias ? { contactAlias } : {}),
        settings: readSettings([buddy], "blist"),
      }];
    });
  }

  /** The XMPP contacts of `account`, one per JID, in the order of their first buddy. */
  xmppBuddies(account: string): XmppBuddy[] {
    const byJid = new Map<string, XmppBuddy>();
    for (const buddy of this.buddies) {
      if (
        buddy.proto !== "prpl-jabber" || lower(buddy.account) !== lower(account)
      ) continue;
      const jid = lower(buddy.name);
      const known = byJid.get(jid);
      if (known) {
        if (!known.groups.includes(buddy.group)) known.groups.push(buddy.group);
        continue;
      }
      const sub = buddy.settings.get(SUBSCRIPTION_SETTING);
      const servernick = buddy.settings.get("servernick");
      const pending = buddy.settings.get(PENDING_SETTING);
      byJid.set(jid, {
        jid,
        ...(buddy.alias ? { alias: buddy.alias } : {}),
        ...(buddy.contactAlias ? { contactAlias: buddy.contactAlias } : {}),
        ...(servernick?.type === "string" && servernick.value
          ? { serverAlias: servernick.value }
          : {}),
        groups: [buddy.group],
        ...(sub?.type === "string" && SUBSCRIPTIONS.includes(sub.value)
          ? { subscription: sub.value as Subscription }
          : {}),
        pending: pending?.type === "bool" && pending.value,
        settings: buddy.settings,
      });
    }
    return [...byJid.values()];
  }

  /** The chats (`<chat>`), kept untouched by every edit. */
  get chats(): BlistChat[] {
    return groupElements(this.#doc).flatMap((group) =>
      childElements(group, "chat").flatMap((chat) => {
        const account = chat.attrs.get("account");
        const proto = protoOf(chat);
        if (account === undefined || proto === undefined) return [];
        const alias = firstChild(chat, "alias")?.text;
        const components = new Map<string, string>();
        for (const c of childElements(chat, "component")) {
          const name = c.attrs.get("name");
          if (name !== undefined) components.set(name, c.text ?? "");
        }
        return [{
          account,
          proto,
          ...(alias ? { alias } : {}),
          group: groupName(group)!,
          components,
          settings: readSettings([chat], "blist"),
        }];
      })
    );
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
    const group = buddy.group || DEFAULT_GROUP;
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
