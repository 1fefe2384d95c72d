/**
 * The buddy list in blist.xml, kept in step with the server's roster for the
 * profile's accounts: on connect and after every roster change the server's
 * roster is merged in (the server wins for buddies and groups; local
 * aliases, contact aliases and settings stay), so `pidgin roster --offline`
 * works without a connection and Pidgin sees the same buddies.
 */
import type { RosterItem } from "../xmpp/mod.ts";
import type { Account } from "./account.ts";

/** A contact as blist.xml remembers it. */
export interface OfflineContact {
  jid: string;
  /** The display name by libpurple's rule (roster name, alias, contact alias …). */
  displayName: string;
  groups: string[];
  subscription?: "none" | "to" | "from" | "both";
  pending: boolean;
}

/**
 * Merges the server's roster of `account` into blist.xml. The environment
 * account is not in accounts.xml, and libpurple drops buddies of accounts it
 * does not know, so only profile accounts are merged.
 *
 * Requires read/write access to the profile directory.
 */
export async function mergeRoster(
  purpleDir: string,
  account: Account,
  items: Iterable<RosterItem>,
): Promise<void> {
  if (account.source !== "profile" || !account.userName) return;
  const userName = account.userName;
  const roster = [...items].flatMap((item) =>
    item.subscription === "remove" ? [] : [{
      jid: item.jid,
      name: item.name,
      groups: item.groups,
      subscription: item.subscription,
      pending: item.pending,
    }]
  );
  const { updateBuddyList } = await import("../store/mod.ts");
  await updateBuddyList(purpleDir, (doc) => doc.mergeRoster(userName, roster));
}

/** The roster of `account` as blist.xml has it, for `pidgin roster --offline`. */
export async function offlineRoster(
  purpleDir: string,
  account: Account,
): Promise<OfflineContact[]> {
  const { readBuddyList, readProfileNames } = await import("../store/mod.ts");
  const [doc, names] = await Promise.all([
    readBuddyList(purpleDir),
    readProfileNames(purpleDir, account.jid),
  ]);
  const buddies = account.userName ? doc.xmppBuddies(account.userName) : [];
  return buddies.map((b) => ({
    jid: b.jid,
    displayName: names.nameOf(b.jid),
    groups: b.groups,
    subscription: b.subscription,
    pending: b.pending,
  }));
}
