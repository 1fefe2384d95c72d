/** Stanza to plain data: the only place that reads message, presence and roster XML. */
import { type Element, parseJid } from "./_xmpp_js.ts";
import type {
  ChatMessage,
  ChatState,
  ChatStateEvent,
  Presence,
  PresenceShow,
  RosterItem,
  Subscription,
} from "./types.ts";

const SHOWS = new Set(["away", "chat", "dnd", "xa"]);
const SUBSCRIPTIONS = new Set(["none", "to", "from", "both", "remove"]);

function bareOf(jid: string): string | undefined {
  try {
    const parsed = parseJid(jid);
    return parsed.domain ? parsed.bare().toString().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** A chat or normal message with a body, else `undefined`. */
export function toChatMessage(
  stanza: Element,
  receivedAt = new Date(),
): ChatMessage | undefined {
  const type = stanza.attrs.type ?? "normal";
  if (type !== "chat" && type !== "normal") return undefined;
  const body = stanza.getChildText("body");
  const from = stanza.attrs.from;
  if (body === null || body === undefined || !from) return undefined;
  const fromBare = bareOf(from);
  if (!fromBare) return undefined;
  const stamp = stanza.getChild("delay", "urn:xmpp:delay")?.attrs.stamp;
  const delayedAt = stamp ? new Date(stamp) : undefined;
  const delayed = delayedAt !== undefined && !Number.isNaN(delayedAt.getTime());
  return {
    from: String(from),
    fromBare,
    body: String(body),
    id: stanza.attrs.id,
    // A stamp in the future is false (or a skewed clock): never after arrival.
    sentAt: delayed && delayedAt < receivedAt ? delayedAt : receivedAt,
    delayed,
  };
}

/** An available or unavailable presence, else `undefined`. */
export function toPresence(stanza: Element): Presence | undefined {
  const type = stanza.attrs.type;
  if (type !== undefined && type !== "unavailable") return undefined;
  const from = stanza.attrs.from;
  const fromBare = from ? bareOf(from) : undefined;
  if (!from || !fromBare) return undefined;
  const showText = stanza.getChildText("show") ?? "";
  const show: PresenceShow = type === "unavailable"
    ? "unavailable"
    : SHOWS.has(showText)
    ? showText as PresenceShow
    : "available";
  const priority = Number(stanza.getChildText("priority") ?? 0);
  return {
    from: String(from),
    fromBare,
    show,
    status: stanza.getChildText("status") ?? undefined,
    priority: Number.isFinite(priority) ? priority : 0,
  };
}

/** One `<item/>` of a roster query or push. */
export function toRosterItem(item: Element): RosterItem | undefined {
  const jid = item.attrs.jid ? bareOf(item.attrs.jid) : undefined;
  if (!jid) return undefined;
  const subscription = SUBSCRIPTIONS.has(item.attrs.subscription)
    ? item.attrs.subscription as Subscription
    : "none";
  return {
    jid,
    name: item.attrs.name || undefined,
    subscription,
    pending: item.attrs.ask === "subscribe",
    groups: item.getChildren("group").map((g: Element) => g.text()),
  };
}

const CHAT_STATES = new Set([
  "active",
  "composing",
  "paused",
  "inactive",
  "gone",
]);

/** A standalone chat-state notification (XEP-0085), else `undefined`. */
export function toChatState(stanza: Element): ChatStateEvent | undefined {
  const from = stanza.attrs.from;
  const fromBare = from ? bareOf(from) : undefined;
  if (!from || !fromBare) return undefined;
  const element = stanza.getChildElements().find((c: Element) =>
    c.attrs.xmlns === "http://jabber.org/protocol/chatstates" &&
    CHAT_STATES.has(c.name)
  );
  return element
    ? { from: String(from), fromBare, state: element.name as ChatState }
    : undefined;
}
