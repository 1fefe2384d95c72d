/**
 * Merging the server roster of one XMPP account into blist.xml, after
 * libpurple's jabber/roster.c (`jabber_roster_parse`,
 * `add_purple_buddy_to_groups`): the server decides which buddies the
 * account has and in which groups; aliases from the roster name; the
 * subscription kept as buddy settings. Everything else stays.
 */
import { checkXmlText } from "./_xml_edit.ts";
import type { XmlDocument } from "./_xml_tree.ts";
import {
  addToGroup,
  buddyJid,
  type BuddyNode,
  buddyNodes,
  buddySpec,
  DEFAULT_GROUP,
  findOrCreateGroup,
  foldName,
  groupName,
  isXmppBuddyOf,
  moveBuddyNode,
  removeBuddyNode,
  setBuddyAliasOf,
  setBuddySettingOf,
  storedGroupName,
} from "./_blist_nodes.ts";
import type { SettingValue } from "./_purple_settings.ts";

/** A roster subscription state (RFC 6121). */
export type Subscription = "none" | "to" | "from" | "both";

/** One item of the server roster. */
export interface RosterItem {
  /** The contact's bare JID. */
  jid: string;
  /** The roster name; undefined when the item has none ("" clears the alias, as in libpurple). */
  name?: string;
  /** The roster groups; none puts a new buddy in "Buddies" and leaves a known one where it is. */
  groups: string[];
  subscription: Subscription;
  /** `ask='subscribe'`: our subscription request is pending. */
  pending?: boolean;
}

/** What a merge changed, counted in buddies (one per group a JID is in). */
export interface RosterMergeResult {
  added: number;
  moved: number;
  removed: number;
  /** Buddies kept in place whose alias or subscription settings changed. */
  updated: number;
}

/** The buddy setting holding the subscription (`none`, `to`, `from`, `both`). */
export const SUBSCRIPTION_SETTING = "pidgin-subscription";
/** The buddy setting (bool) set while our subscription request is pending; absent otherwise. */
export const PENDING_SETTING = "pidgin-pending";

/**
 * The item's groups as roster.c takes them: "" (and "Buddies") is the
 * default group; case-insensitive duplicates dropped; see {@linkcode storedGroupName}.
 */
function wantedGroups(item: RosterItem): string[] {
  const groups: string[] = [];
  for (const raw of item.groups) {
    const name = storedGroupName(raw);
    if (!groups.some((g) => foldName(g) === foldName(name))) groups.push(name);
  }
  return groups;
}

function settingsOf(item: RosterItem): [string, SettingValue | undefined][] {
  return [[SUBSCRIPTION_SETTING, item.subscription], [
    PENDING_SETTING,
    item.pending ? true : undefined,
  ]];
}

function check(item: RosterItem): void {
  for (const text of [item.jid, item.name ?? "", ...item.groups]) {
    checkXmlText(text, "a roster item");
  }
}

/**
 * Merges `items`, the whole roster of the XMPP account `account` (its user
 * name as in accounts.xml, written into new buddies), into `doc`. Only that
 * account's `prpl-jabber` buddies change.
 */
export function mergeRoster(
  doc: XmlDocument,
  account: string,
  items: RosterItem[],
): RosterMergeResult {
  items.forEach(check);
  checkXmlText(account, "the account");
  const result: RosterMergeResult = {
    added: 0,
    moved: 0,
    removed: 0,
    updated: 0,
  };
  const accountJid = account.split("/")[0]!.toLowerCase();
  const roster = new Map<string, RosterItem>();
  for (const item of items) {
    const jid = item.jid.split("/")[0]!.toLowerCase();
    if (jid !== "") roster.set(jid, item); // roster.c skips an item without a JID
  }
  const existing = new Map<string, BuddyNode[]>();
  for (const node of buddyNodes(doc)) {
    if (!isXmppBuddyOf(node.buddy, accountJid)) continue;
    const jid = buddyJid(node.buddy);
    if (jid === undefined) continue;
    if (!roster.has(jid)) {
      removeBuddyNode(node);
      result.removed++;
      continue;
    }
    existing.set(jid, [...existing.get(jid) ?? [], node]);
  }
  for (const [jid, item] of roster) {
    const nodes = existing.get(jid) ?? [];
    const wanted = wantedGroups(item);
    // roster.c: no group and already listed: leave it where it is.
    if (wanted.length === 0 && nodes.length === 0) wanted.push(DEFAULT_GROUP);
    const kept: BuddyNode[] = [];
    const stray: BuddyNode[] = [];
    const missing = [...wanted];
    for (const node of nodes) {
      const name = groupName(node.group)!;
      const at = missing.findIndex((g) => foldName(g) === foldName(name));
      if (at >= 0 || wanted.length === 0) {
        if (at >= 0) missing.splice(at, 1);
        kept.push(node);
      } else {
        stray.push(node);
      }
    }
    const fresh: BuddyNode[] = [];
    for (const group of missing) {
      const target = findOrCreateGroup(doc, group);
      const move = stray.shift();
      if (move) {
        fresh.push(moveBuddyNode(move, target));
        result.moved++;
      } else {
        const settings = settingsOf(item).filter((
          s,
        ): s is [string, SettingValue] => s[1] !== undefined);
        fresh.push(
          addToGroup(
            target,
            buddySpec(account, item.jid.split("/")[0]!, item.name, settings),
          ),
        );
        result.added++;
      }
    }
    for (const node of stray) {
      removeBuddyNode(node);
      result.removed++;
    }
    for (const node of [...kept, ...fresh]) {
      let changed = item.name !== undefined &&
        setBuddyAliasOf(node.buddy, item.name);
      for (const [name, value] of settingsOf(item)) {
        changed = setBuddySettingOf(node.buddy, name, value) || changed;
      }
      if (changed && kept.includes(node)) result.updated++;
    }
  }
  return result;
}
