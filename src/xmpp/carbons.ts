/**
 * Message carbons (XEP-0280): copies of what our other clients send and
 * receive. Enabled after each new session is bound. A carbon is believed
 * only when its outer `from` is exactly our bare JID (CVE-2017-5592 in
 * Profanity, CVE-2017-5604 in mcabber: anyone could forge one), and a sent
 * carbon only when the copy is from us; anything else with a carbon wrapper
 * is dropped.
 */
import { bareOf, toChatMessage, unwrapForwarded } from "./stanzas.ts";
import { type Element, type IqCaller, xml } from "./_xmpp_js.ts";
import type { ChatMessage } from "./types.ts";

const NS_CARBONS = "urn:xmpp:carbons:2";

/** What reading a message as a carbon gives. */
export type CarbonOutcome =
  /** Not a carbon: read it as an ordinary message. */
  | undefined
  /** A carbon we do not believe or cannot use: drop it. */
  | "drop"
  | ChatMessage;

/** The carbons feature of one session. */
export interface Carbons {
  /** Asks the server for carbons; resolves false when it refuses. */
  enable(iqCaller: IqCaller, timeoutMs: number): Promise<boolean>;
  /** Reads `stanza` as a carbon. */
  read(stanza: Element): CarbonOutcome;
}

/** Creates the carbons feature for the account `ownBare` (lower-case). */
export function createCarbons(ownBare: string): Carbons {
  return {
    async enable(iqCaller, timeoutMs) {
      try {
        await iqCaller.set(
          xml("enable", { xmlns: NS_CARBONS }),
          undefined,
          timeoutMs,
        );
        return true;
      } catch (err) {
        if (err instanceof Error && err.name === "StanzaError") return false;
        throw err;
      }
    },
    read(stanza) {
      const wrapper = stanza.getChild("received", NS_CARBONS) ??
        stanza.getChild("sent", NS_CARBONS);
      if (!wrapper) return undefined;
      const from = stanza.attrs.from;
      if (from === undefined || String(from).toLowerCase() !== ownBare) {
        return "drop";
      }
      const forwarded = unwrapForwarded(wrapper);
      if (!forwarded) return "drop";
      const message = toChatMessage(forwarded.message, {
        ownBare,
        source: "carbon",
        delay: forwarded.delay,
      });
      if (!message) return "drop";
      // A sent carbon copies what we sent; a received one what reached us.
      const sent = wrapper.name === "sent";
      if (sent !== (message.direction === "out")) return "drop";
      if (!sent && (!message.to || bareOf(message.to) !== ownBare)) {
        return "drop";
      }
      return message;
    },
  };
}
