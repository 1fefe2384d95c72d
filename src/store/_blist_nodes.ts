/**
 * The nodes of blist.xml as libpurple's blist.c sees them (`purple_blist_load`,
 * `parse_group`, `parse_contact`, `parse_buddy`), and the edits of buddies
 * that blist_xml.ts and the roster merge share. Added elements are laid out
 * as `group_to_xmlnode` / `contact_to_xmlnode` / `buddy_to_xmlnode` write them.
 */
import {
  type ElementSpec,
  insertChild,
  removeChild,
  setText,
} from "./_xml_edit.ts";
import {
  settingSpec,
  type SettingValue,
  writeSetting,
} from "./_purple_settings.ts";
import {
  childElements,
  firstChild,
  type XmlDocument,
  type XmlElement,
} from "./_xml_tree.ts";

/** libpurple's name for a group without a `name` attribute, and XMPP's default group. */
export const DEFAULT_GROUP = "Buddies";

/** One `<buddy>` with the contact and group it is in. */
export interface BuddyNode {
  group: XmlElement;
  contact: XmlElement;
  buddy: XmlElement;
}

/** `<blist>` of the document (the first, as libpurple reads), created at the top when asked. */
export function blistElement(
  doc: XmlDocument,
  create: boolean,
): XmlElement | undefined {
  const blist = firstChild(doc.root, "blist");
  if (blist || !create) return blist;
  return insertChild(doc.root, { name: "blist" }, "first");
}

/** The group's name as libpurple reads it; undefined for `name=''`, which libpurple cannot load. */
export function groupName(group: XmlElement): string | undefined {
  const name = group.attrs.get("name") ?? DEFAULT_GROUP;
  return name === "" ? undefined : name;
}

/** Every group libpurple loads, in order. */
export function groupElements(doc: XmlDocument): XmlElement[] {
  const blist = blistElement(doc, false);
  return blist
    ? childElements(blist, "group").filter((g) => groupName(g) !== undefined)
    : [];
}

/** Contacts of a group: `<contact>`, and the older `<person>`. */
export function contactElements(group: XmlElement): XmlElement[] {
  return childElements(group).filter((c) =>
    c.name === "contact" || c.name === "person"
  );
}

/** Every buddy of every group, in file order. */
export function buddyNodes(doc: XmlDocument): BuddyNode[] {
  return groupElements(doc).flatMap((group) =>
    contactElements(group).flatMap((contact) =>
      childElements(contact, "buddy").map((buddy) => ({
        group,
        contact,
        buddy,
      }))
    )
  );
}

/** The protocol of a buddy or chat: `proto`, else the older `protocol`. */
export function protoOf(element: XmlElement): string | undefined {
  return element.attrs.get("proto") ?? element.attrs.get("protocol");
}

/** Whether `buddy` belongs to the XMPP account with bare JID `accountJid` (lower case). */
export function isXmppBuddyOf(buddy: XmlElement, accountJid: string): boolean {
  const account = buddy.attrs.get("account");
  return protoOf(buddy) === "prpl-jabber" && account !== undefined &&
    account.split("/")[0]!.toLowerCase() === accountJid;
}

/** The bare, lower-cased JID of an XMPP buddy, or undefined when it has no `<name>`. */
export function buddyJid(buddy: XmlElement): string | undefined {
  const name = firstChild(buddy, "name")?.text;
  return name ? name.split("/")[0]!.toLowerCase() : undefined;
}

/**
 * The group name to store for `name`: "" is the default group, and tabs and
 * line breaks become spaces. libpurple writes attribute values as they are,
 * so it would read such a group back with spaces after its next save, and
 * the group would no longer match the server's.
 */
export function storedGroupName(name: string): string {
  return name === "" ? DEFAULT_GROUP : name.replace(/[\t\n\r]/g, " ");
}

/** `purple_utf8_strcasecmp`'s idea of equal names: case-folded and NFKC-normalised. */
export function foldName(name: string): string {
  return name.normalize("NFKC").toUpperCase().toLowerCase();
}

/**
 * The group `name`: the first named exactly so, else the first whose name
 * differs only in case (libpurple treats group names case-insensitively).
 */
export function findGroup(
  doc: XmlDocument,
  name: string,
): XmlElement | undefined {
  const groups = groupElements(doc);
  return groups.find((g) => groupName(g) === name) ??
    groups.find((g) => foldName(groupName(g)!) === foldName(name));
}

/**
 * The group `name`, created when missing at the top of the list, where
 * libpurple's XMPP roster code puts a new group (`purple_blist_add_group(g, NULL)`).
 * The name is always written, also for "Buddies", so Pidgin in any language
 * reads the same group.
 */
export function findOrCreateGroup(doc: XmlDocument, name: string): XmlElement {
  return findGroup(doc, name) ??
    insertChild(blistElement(doc, true)!, {
      name: "group",
      attrs: [["name", name]],
    }, "first");
}

/** The `<buddy>` libpurple writes for a new XMPP buddy. */
export function buddySpec(
  account: string,
  jid: string,
  alias: string | undefined,
  settings: [string, SettingValue][],
): ElementSpec {
  const children: ElementSpec[] = [{ name: "name", text: jid }];
  if (alias) children.push({ name: "alias", text: alias });
  for (const [name, value] of settings) children.push(settingSpec(name, value));
  return {
    name: "buddy",
    attrs: [["account", account], ["proto", "prpl-jabber"]],
    children,
  };
}

/** Adds `buddy` in a new contact at the end of `group`, as `purple_blist_add_buddy` does. */
export function addToGroup(
  group: XmlElement,
  buddy: ElementSpec | XmlElement,
): BuddyNode {
  const contact = insertChild(group, { name: "contact" });
  return { group, contact, buddy: insertChild(contact, buddy) };
}

/** Removes a buddy, and its contact when no buddy is left in it (libpurple drops empty contacts). */
export function removeBuddyNode(node: BuddyNode): void {
  removeChild(node.contact, node.buddy);
  if (childElements(node.contact, "buddy").length === 0) {
    removeChild(node.group, node.contact);
  }
}

/**
 * Moves a buddy to the end of `group`, keeping its alias and settings: the
 * whole contact (with its alias and settings) when the buddy is alone in it.
 */
export function moveBuddyNode(node: BuddyNode, group: XmlElement): BuddyNode {
  if (childElements(node.contact, "buddy").length === 1) {
    removeChild(node.group, node.contact);
    insertChild(group, node.contact);
    return { ...node, group };
  }
  removeChild(node.contact, node.buddy);
  return addToGroup(group, node.buddy);
}

/** Sets the buddy's `<alias>` (after `<name>`), or with undefined / "" removes it. Returns whether it changed. */
export function setBuddyAliasOf(
  buddy: XmlElement,
  alias: string | undefined,
): boolean {
  const existing = childElements(buddy, "alias");
  if (!alias) {
    for (const e of existing) removeChild(buddy, e);
    return existing.length > 0;
  }
  const first = existing[0];
  if (first) {
    if (first.text === alias) return false;
    setText(first, alias);
    return true;
  }
  const name = firstChild(buddy, "name");
  insertChild(
    buddy,
    { name: "alias", text: alias },
    name ? { after: name } : "first",
  );
  return true;
}

/** Sets one buddy setting, or with undefined removes it. Returns whether it changed. */
export function setBuddySettingOf(
  buddy: XmlElement,
  name: string,
  value: SettingValue | undefined,
): boolean {
  return writeSetting([buddy], name, value, () => buddy);
}
