/** Stanza to plain data: the only place that reads message, presence and roster XML. */
import { isReceiptRequest } from "./receipts.ts";
import { type Element, parseJid, xml } from "./_xmpp_js.ts";
import type {
  ChatMessage,
  ChatState,
  ChatStateEvent,
  MessageSource,
  Presence,
  PresenceShow,
  RosterItem,
  Subscription,
} from "./types.ts";

const NS_CLIENT = "jabber:client";
/** Longer ids are cut: they are keys, not text. */
const MAX_ID = 256;
const SHOWS = new Set(["away", "chat", "dnd", "xa"]);
const SUBSCRIPTIONS = new Set(["none", "to", "from", "both", "remove"]);

/** The lower-case bare form of `jid`, or `undefined` when it is not a JID. */
export function bareOf(jid: string): string | undefined {
  try {
    const parsed = parseJid(jid);
    return parsed.domain ? parsed.bare().toString().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

const NS_SID = "urn:xmpp:sid:0";
const NS_DELAY = "urn:xmpp:delay";
const NS_FORWARD = "urn:xmpp:forward:0";

/** Where a message is read from, and what is ours. */
export interface MessageContext {
  /** Our bare JID, lower-case: decides `direction` and which `<stanza-id>` counts. */
  ownBare: string;
  source: MessageSource;
  /** When it arrived (default: now). */
  receivedAt?: Date;
  /** The delay stamp of a forwarding wrapper (carbon, archive result), if any. */
  delay?: Element;
  /** The archive's id for it (archive results). */
  stanzaId?: string;
}

/**
 * A chat or normal message with a body, else `undefined`: one pass over its
 * children (this runs for every message of a flood).
 */
export function toChatMessage(
  stanza: Element,
  context: MessageContext,
): ChatMessage | undefined {
  const type = stanza.attrs.type ?? "normal";
  if (type !== "chat" && type !== "normal") return undefined;
  const from = stanza.attrs.from;
  if (!from) return undefined;
  let body: string | undefined;
  let stanzaId = context.stanzaId;
  let originId: string | undefined;
  let delay = context.delay;
  let receiptRequested = false;
  for (const child of stanza.children) {
    if (typeof child === "string") continue;
    const ns = child.attrs.xmlns;
    switch (child.name) {
      case "body":
        if (body === undefined && (ns === undefined || ns === NS_CLIENT)) {
          body = child.text();
        }
        break;
      case "stanza-id":
        if (
          ns === NS_SID && stanzaId === undefined &&
          String(child.attrs.by ?? "").toLowerCase() === context.ownBare &&
          child.attrs.id
        ) stanzaId = String(child.attrs.id);
        break;
      case "origin-id":
        if (ns === NS_SID && child.attrs.id) originId = String(child.attrs.id);
        break;
      case "delay":
        if (ns === NS_DELAY) delay ??= child;
        break;
      default:
        if (!receiptRequested) receiptRequested = isReceiptRequest(child);
    }
  }
  if (body === undefined) return undefined;
  const fromBare = bareOf(from);
  if (!fromBare) return undefined;
  const to = stanza.attrs.to ? String(stanza.attrs.to) : undefined;
  const out = context.source !== "live" && fromBare === context.ownBare;
  const contact = out ? (to ? bareOf(to) : undefined) : fromBare;
  if (!contact) return undefined;
  const receivedAt = context.receivedAt ?? new Date();
  const stamp = delay?.attrs.stamp;
  const delayedAt = stamp ? new Date(stamp) : undefined;
  const delayed = delayedAt !== undefined && !Number.isNaN(delayedAt.getTime());
  return {
    direction: out ? "out" : "in",
    contact,
    from: String(from),
    fromBare,
    to,
    body,
    // Kept in memory and the ledger: a hostile id is not kept whole.
    id: typeof stanza.attrs.id === "string"
      ? stanza.attrs.id.slice(0, MAX_ID)
      : undefined,
    stanzaId: stanzaId?.slice(0, MAX_ID),
    originId: originId?.slice(0, MAX_ID),
    source: context.source,
    receiptRequested,
    // A stamp in the future is false (or a skewed clock): never after arrival.
    sentAt: delayed && delayedAt < receivedAt ? delayedAt : receivedAt,
    delayed,
  };
}

/**
 * The message a forwarding wrapper (XEP-0297: carbons, archive results)
 * carries, with the wrapper's delay stamp.
 */
export function unwrapForwarded(
  wrapper: Element,
): { message: Element; delay?: Element } | undefined {
  const forwarded = wrapper.getChild("forwarded", NS_FORWARD);
  const message = forwarded?.getChild("message");
  if (!message) return undefined;
  return { message, delay: forwarded!.getChild("delay", NS_DELAY) };
}

/** The `<origin-id/>` (XEP-0359) for an outgoing message with `id`. */
export function originIdElement(id: string): Element {
  return xml("origin-id", { xmlns: NS_SID, id });
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
