/**
 * Each incoming stanza to the feature that owns it: archive results (ours
 * or forged), carbons, receipts, chat messages, then chat states, errors
 * and presence. The order matters: a forged archive result or carbon must
 * never be read as a message from whoever forged it.
 */
import type { Delivery } from "./_delivery.ts";
import type { createInbound } from "./_inbound.ts";
import type { Element } from "./_xmpp_js.ts";
import type { Carbons } from "./carbons.ts";
import type { Archive } from "./mam.ts";
import type { Receipts } from "./receipts.ts";
import { toChatMessage } from "./stanzas.ts";

/** The features a stanza may be for. */
export interface DispatchTargets {
  ownBare: string;
  archive: Archive;
  carbons: Carbons;
  receipts: Receipts;
  inbound: ReturnType<typeof createInbound>;
  delivery: Delivery;
}

/** Creates the function every incoming stanza goes through. */
export function createDispatch(t: DispatchTargets): (stanza: Element) => void {
  const { archive, carbons, receipts, inbound, delivery } = t;
  const live = { ownBare: t.ownBare, source: "live" } as const;
  return (stanza) => {
    if (!stanza.is("message")) {
      if (stanza.is("presence")) inbound.onPresence(stanza);
      else archive.onIq(stanza);
      return;
    }
    if (archive.onMessage(stanza)) return;
    const carbon = carbons.read(stanza);
    if (carbon === "drop") return;
    if (carbon) return delivery.incoming(carbon);
    if (receipts.onMessage(stanza)) return;
    const message = toChatMessage(stanza, live);
    if (!message) return inbound.onMessage(stanza);
    const answer = message.receiptRequested
      ? receipts.answerFor(stanza)
      : undefined;
    delivery.incoming(message, answer);
  };
}
