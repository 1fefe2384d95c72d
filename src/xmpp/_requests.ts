/** Roster, subscription, presence and chat-state requests of an online session. */
import { assertXmlText } from "./_xml_chars.ts";
import { type Element, type Entity, type Plugins, xml } from "./_xmpp_js.ts";
import { toRosterItem } from "./stanzas.ts";
import type { ChatState, PresenceShow, RosterItem } from "./types.ts";

const NS_ROSTER = "jabber:iq:roster";
const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
const NS_PING = "urn:xmpp:ping";

/** What a request needs: the live connection and the request timeout. */
export interface Link {
  entity: Entity;
  plugins: Plugins;
  timeoutMs: number;
  /** Ids of requests whose answer may exceed the usual stanza limit. */
  largeReplies: Set<string>;
}

/** Fetches the roster: one stanza, allowed to be large (`LARGE_REPLY_BYTES`). */
export async function fetchRoster(link: Link): Promise<RosterItem[]> {
  const id = crypto.randomUUID();
  link.largeReplies.add(id);
  let result: Element;
  try {
    result = await link.plugins.iqCaller.request(
      xml("iq", { type: "get", id }, xml("query", { xmlns: NS_ROSTER })),
      link.timeoutMs,
    );
  } finally {
    link.largeReplies.delete(id);
  }
  const query = result.getChild("query", NS_ROSTER);
  return (query?.getChildren("item") ?? [])
    .map((item: Element) => toRosterItem(item))
    .filter((item: RosterItem | undefined): item is RosterItem =>
      item !== undefined
    );
}

/** Adds, renames or (with `remove`) deletes a roster item; `UsageError` for a name XML forbids. */
export async function setRosterItem(
  link: Link,
  jid: string,
  item: { name?: string; groups?: string[]; remove?: boolean },
): Promise<void> {
  if (item.name !== undefined) assertXmlText(item.name, "the contact name");
  for (const group of item.groups ?? []) {
    assertXmlText(group, "the group name");
  }
  const element = item.remove
    ? xml("item", { jid, subscription: "remove" })
    : xml(
      "item",
      { jid, name: item.name },
      ...(item.groups ?? []).map((g) => xml("group", {}, g)),
    );
  await link.plugins.iqCaller.set(
    xml("query", { xmlns: NS_ROSTER }, element),
    undefined,
    link.timeoutMs,
  );
}

/** Sends a subscription request or answer. */
export function sendSubscription(
  link: Link,
  jid: string,
  type: "subscribe" | "subscribed" | "unsubscribed" | "unsubscribe",
): Promise<void> {
  return link.entity.send(xml("presence", { to: jid, type }));
}

/** Broadcasts our presence; `UsageError` for a status XML forbids. */
export async function sendPresence(
  link: Link,
  show: PresenceShow,
  status?: string,
): Promise<void> {
  if (status !== undefined) assertXmlText(status, "the status");
  const children = [
    show !== "available" && show !== "unavailable"
      ? xml("show", {}, show)
      : undefined,
    status ? xml("status", {}, status) : undefined,
  ];
  await link.entity.send(
    xml(
      "presence",
      show === "unavailable" ? { type: "unavailable" } : {},
      ...children,
    ),
  );
}

/** Tells a contact we are typing, paused, and so on (XEP-0085). */
export function sendChatState(
  link: Link,
  to: string,
  state: ChatState,
): Promise<void> {
  return link.entity.send(
    xml(
      "message",
      { to, type: "chat" },
      xml(state, { xmlns: NS_CHATSTATES }),
      xml("no-store", { xmlns: "urn:xmpp:hints" }),
    ),
  );
}

/** Pings the server (XEP-0199); resolves on its answer, even an error. */
export async function ping(link: Link, domain: string): Promise<void> {
  await link.plugins.iqCaller.request(
    xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: NS_PING })),
    link.timeoutMs,
  );
}
