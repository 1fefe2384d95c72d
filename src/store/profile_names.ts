/**
 * The display names Pidgin uses in logs, read from a profile: the account's
 * own alias (accounts.xml) and each buddy's alias (blist.xml). Pure parsing
 * here; reading the files is `readProfileNames`.
 */
import { parse } from "ltx";
import type { Element } from "ltx";
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";

/** Aliases of one account, keyed by lower-case bare JID. */
export interface ProfileNames {
  /** The account's alias from accounts.xml, if it has one. */
  accountAlias?: string;
  /** Buddy aliases from blist.xml. */
  buddyAliases: Map<string, string>;
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

/** Reads buddy aliases of the account `bareJid` from blist.xml text. */
export function parseBuddyAliases(
  xml: string,
  bareJid: string,
): Map<string, string> {
  const root = parseXml(xml, "blist.xml");
  const aliases = new Map<string, string>();
  const blist = root.getChild("blist");
  for (const group of blist?.getChildren("group") ?? []) {
    for (const contact of group.getChildren("contact")) {
      for (const buddy of contact.getChildren("buddy")) {
        const account = String(buddy.attrs.account ?? "");
        if (
          buddy.attrs.proto !== "prpl-jabber" ||
          bareOf(account) !== bareJid.toLowerCase()
        ) {
          continue;
        }
        const name = buddy.getChildText("name");
        const alias = buddy.getChildText("alias");
        if (name && alias) aliases.set(bareOf(name), alias);
      }
    }
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
    return {
      accountAlias: accounts ? parseAccountAlias(accounts, bareJid) : undefined,
      buddyAliases: blist ? parseBuddyAliases(blist, bareJid) : new Map(),
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
