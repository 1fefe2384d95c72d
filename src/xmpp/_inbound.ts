/** Incoming stanzas to events, and the presence each contact's resources announced. */
import type { Emitter } from "./_emitter.ts";
import type { Element } from "./_xmpp_js.ts";
import { toChatMessage, toChatState, toPresence } from "./stanzas.ts";
import type { Presence, SessionEvents } from "./types.ts";

const SUBSCRIPTION_TYPES = new Set([
  "subscribe",
  "subscribed",
  "unsubscribe",
  "unsubscribed",
]);

/** Handles one session's incoming stanzas. */
export function createInbound(events: Emitter<SessionEvents>) {
  const presences = new Map<string, Map<string, Presence>>();
  return {
    onStanza(stanza: Element): void {
      if (stanza.is("message")) {
        const message = toChatMessage(stanza);
        if (message) return events.emit("message", message);
        const state = toChatState(stanza);
        if (state) return events.emit("chatstate", state);
        if (stanza.attrs.type === "error") {
          const error = stanza.getChild("error");
          const condition = error?.getChildElements().find((c: Element) =>
            c.name !== "text"
          );
          events.emit("error", {
            from: stanza.attrs.from,
            condition: condition?.name ?? "undefined-condition",
            text: error?.getChildText("text") ?? undefined,
          });
        }
      } else if (stanza.is("presence")) {
        const type = stanza.attrs.type;
        if (SUBSCRIPTION_TYPES.has(type) && stanza.attrs.from) {
          events.emit("subscription", {
            from: String(stanza.attrs.from),
            type,
          });
          return;
        }
        const presence = toPresence(stanza);
        if (!presence) return;
        let resources = presences.get(presence.fromBare);
        if (!resources) presences.set(presence.fromBare, resources = new Map());
        if (presence.show === "unavailable") resources.delete(presence.from);
        else resources.set(presence.from, presence);
        events.emit("presence", presence);
      }
    },
    presencesOf(bare: string): Presence[] {
      return [...(presences.get(bare.toLowerCase())?.values() ?? [])];
    },
  };
}
