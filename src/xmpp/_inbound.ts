/** Incoming stanzas to events, and the presence each contact's resources announced. */
import type { Emitter } from "./_emitter.ts";
import { oneLine } from "./_failures.ts";
import type { Element } from "./_xmpp_js.ts";
import { toChatMessage, toChatState, toPresence } from "./stanzas.ts";
import type { Presence, SessionEvents } from "./types.ts";

/** Resources remembered per contact; beyond it the oldest is forgotten. */
const MAX_RESOURCES = 64;

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
          const text = error?.getChildText("text");
          events.emit("error", {
            from: stanza.attrs.from,
            id: stanza.attrs.id,
            condition: oneLine(condition?.name ?? "undefined-condition", 64),
            text: text ? text.slice(0, 1000) : undefined,
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
        resources.delete(presence.from); // re-inserted last: the newest
        if (presence.show !== "unavailable") {
          resources.set(presence.from, presence);
          if (resources.size > MAX_RESOURCES) {
            resources.delete(resources.keys().next().value!);
          }
        }
        if (resources.size === 0) presences.delete(presence.fromBare);
        events.emit("presence", presence);
      }
    },
    presencesOf(bare: string): Presence[] {
      return [...(presences.get(bare.toLowerCase())?.values() ?? [])];
    },
  };
}
