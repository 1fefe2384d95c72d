/**
 * Message delivery receipts (XEP-0184): we ask for one with every message
 * we send, announce the contact's confirmation as a `receipt` event (only
 * from the contact we sent that message to), and answer requests of
 * messages that reached us live, once they were handled (logged): never for
 * carbons, archive results or errors.
 */
import { bareOf } from "./stanzas.ts";
import { type Element, xml } from "./_xmpp_js.ts";

const NS_RECEIPTS = "urn:xmpp:receipts";

/** Ids of our recent messages kept to match receipts; older ones are forgotten. */
const RECENT = 4096;
const MAX_ID = 256;

/** True when `child` (of a message) asks for a receipt. */
export function isReceiptRequest(child: Element): boolean {
  return child.name === "request" && child.attrs.xmlns === NS_RECEIPTS;
}

/** The `<request/>` every outgoing chat message carries. */
export function receiptRequest(): Element {
  return xml("request", { xmlns: NS_RECEIPTS });
}

/** What the receipts feature needs from the session. */
export interface ReceiptsOptions {
  /** A contact confirmed our message `id`. */
  onReceipt(receipt: { id: string; from: string }): void;
  /** Sends a stanza on the live connection, if there is one. */
  send(stanza: Element): void;
}

/** The receipts feature of one session. */
export interface Receipts {
  /** Remembers that message `id` went to `toBare`, to accept its receipt. */
  sent(id: string, toBare: string): void;
  /**
   * Reads a receipt out of a message; returns true when the message is
   * only a receipt (nothing more to do with it).
   */
  onMessage(stanza: Element): boolean;
  /** The answer to send once a live message was handled, if it asked for one. */
  answerFor(stanza: Element): (() => void) | undefined;
}

/** Creates the receipts feature. */
export function createReceipts(options: ReceiptsOptions): Receipts {
  const recent = new Map<string, string>();
  return {
    sent(id, toBare) {
      recent.delete(id);
      recent.set(id, toBare);
      if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
    },
    onMessage(stanza) {
      const received = stanza.getChild("received", NS_RECEIPTS);
      if (!received) return false;
      const id = received.attrs.id;
      const from = stanza.attrs.from;
      const to = typeof id === "string" ? recent.get(id) : undefined;
      // An unparsable `from` has no bare JID: never the contact we wrote to.
      if (
        to !== undefined && from && stanza.attrs.type !== "error" &&
        to === bareOf(from)
      ) {
        recent.delete(id as string);
        options.onReceipt({ id: id as string, from: String(from) });
      }
      return stanza.getChild("body") === undefined;
    },
    answerFor(stanza) {
      const { id, from, type } = stanza.attrs;
      if (!id || !from || type === "error" || type === "groupchat") {
        return undefined;
      }
      if (String(id).length > MAX_ID) return undefined;
      return () =>
        options.send(
          xml(
            "message",
            { to: String(from), id: crypto.randomUUID() },
            xml("received", { xmlns: NS_RECEIPTS, id: String(id) }),
          ),
        );
    },
  };
}
