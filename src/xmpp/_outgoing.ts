/**
 * Outgoing chat messages: built once, checked before anything is logged or
 * written. A character XML forbids, or a stanza above the server's limit,
 * makes the server end the stream; both are refused here as `UsageError`s.
 */
import { UsageError } from "../errors.ts";
import { formatSize } from "./_limits.ts";
import { assertXmlText } from "./_xml_chars.ts";
import { type Element, parseJid, xml } from "./_xmpp_js.ts";
import { receiptRequest } from "./receipts.ts";
import { originIdElement } from "./stanzas.ts";

const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
/** Longest message id a caller may choose. */
const MAX_ID = 256;

/**
 * Room for what the server adds when it relays a message (our full JID as
 * `from`, a stanza id, a delay stamp …), besides the full JID itself.
 */
const SERVER_MARGIN = 512;

const encoder = new TextEncoder();

/** The recipient as a JID string, or `UsageError`. */
export function toTarget(to: string): string {
  assertXmlText(to, "the message");
  try {
    const jid = parseJid(to.trim());
    if (jid.domain && !/\s/.test(to.trim())) return jid.toString();
  } catch { /* below */ }
  throw new UsageError(`Invalid recipient "${to}": expected user@domain`, {
    hint: "A JID looks like user@example.com",
  });
}

/**
 * The chat message stanza `sendMessage` writes: its id is also its
 * XEP-0359 origin-id, and it asks for a receipt (XEP-0184).
 */
export function chatMessage(target: string, body: string, id: string): Element {
  return xml(
    "message",
    { to: target, type: "chat", id },
    xml("body", {}, body),
    xml("active", { xmlns: NS_CHATSTATES }),
    receiptRequest(),
    originIdElement(id),
  );
}

/** Throws `UsageError` unless `id` can be a message id (a resend's id, from the caller). */
export function assertMessageId(id: string): void {
  assertXmlText(id, "the message id");
  if (id === "" || id.length > MAX_ID) {
    throw new UsageError(
      `Invalid message id: expected 1 to ${MAX_ID} characters`,
    );
  }
}

/**
 * Throws `UsageError` unless a chat message of `body` to `to` can be sent:
 * no character XML forbids, and the serialized stanza, with room for what
 * the server adds, within `maxStanzaBytes`.
 */
export function assertSendable(
  to: string,
  body: string,
  limits: { maxStanzaBytes: number; fullJid: string },
): void {
  const target = toTarget(to);
  assertXmlText(body, "the message");
  const stanza = chatMessage(target, body, crypto.randomUUID());
  const size = encoder.encode(stanza.toString()).length + SERVER_MARGIN +
    encoder.encode(limits.fullJid).length;
  if (size <= limits.maxStanzaBytes) return;
  throw new UsageError(
    `Cannot send the message: it is ${
      formatSize(size, "up")
    }, the server accepts at most ${formatSize(limits.maxStanzaBytes, "down")}`,
    { hint: "Shorten the message or send it in several parts" },
  );
}
