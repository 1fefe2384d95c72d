/**
 * What blist.xml holds, read as libpurple's blist.c reads it
 * (`parse_group`, `parse_contact`, `parse_buddy`, `parse_chat`).
 */
import { type PurpleSetting, readSettings } from "./_purple_settings.ts";
import { childElements, firstChild, type XmlDocument } from "./_xml_tree.ts";
import {
  buddyNodes,
  groupElements,
  groupName,
  protoOf,
} from "./_blist_nodes.ts";
import {
  PENDING_SETTING,
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

/** Every buddy libpurple would load (whatever the account), in file order. */
export function readBuddies(doc: XmlDocument): BlistBuddy[] {
  return buddyNodes(doc).flatMap(({ group, contact, buddy }) => {
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
export function readXmppBuddies(
  doc: XmlDocument,
  account: string,
): XmppBuddy[] {
  const byJid = new Map<string, XmppBuddy>();
  for (const buddy of readBuddies(doc)) {
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

/** The chats (`<chat>`). */
export function readChats(doc: XmlDocument): BlistChat[] {
  return groupElements(doc).flatMap((group) =>
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
