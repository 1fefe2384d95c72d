/**
 * Outgoing chat messages: built once, checked before anything is logged or
 * written. A character XML forbids, or a stanza above the server's limit,
 * makes the server end the stream; both are refused here as `UsageError`s.
 */
import { UsageError } from "../errors.ts";
import { ConnectionClosed } from "./_failures.ts";
import { formatSize } from "./_limits.ts";
import { assertXmlText } from "./_xml_chars.ts";
import {
  type Element,
  parseJid,
  type StreamManagement,
  xml,
} from "./_xmpp_js.ts";

const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
const NS_RECEIPTS = "urn:xmpp:receipts";

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

/** The chat message stanza `sendMessage` writes. */
export function chatMessage(target: string, body: string, id: string): Element {
  return xml(
    "message",
    { to: target, type: "chat", id },
    xml("body", {}, body),
    xml("active", { xmlns: NS_CHATSTATES }),
    xml("request", { xmlns: NS_RECEIPTS }),
  );
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

/** Resolves when the server acknowledges `stanza` (XEP-0198); rejects if the connection closes first. */
export function acknowledged(
  sm: StreamManagement,
  stanza: Element,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (s: Element, outcome: () => void) => {
      if (s !== stanza) return;
      sm.off("ack", onAck);
      sm.off("fail", onFail);
      outcome();
    };
    const onAck = (s: Element) => settle(s, resolve);
    const onFail = (s: Element) =>
      settle(s, () =>
        reject(
          new ConnectionClosed(
            "the connection closed before the server acknowledged the message",
          ),
        ));
    sm.on("ack", onAck);
    sm.on("fail", onFail);
  });
}
