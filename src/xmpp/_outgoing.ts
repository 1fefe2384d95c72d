/** Outgoing chat messages: the stanza, and waiting for its acknowledgement. */
import { ConnectionClosed } from "./_failures.ts";
import { type Element, type StreamManagement, xml } from "./_xmpp_js.ts";

const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
const NS_RECEIPTS = "urn:xmpp:receipts";

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
