/**
 * Incoming stanzas other than chat messages to events: chat states, errors
 * for what we sent, presence and subscriptions; and the presence each
 * contact's resources announced.
 */
import type { Emitter } from "./_emitter.ts";
import { oneLine } from "./_failures.ts";
import type { Element } from "./_xmpp_js.ts";
import { toChatState, toPresence } from "./stanzas.ts";
import type { Presence, SessionEvents } from "./types.ts";

/** Resources remembered per contact; beyond it the oldest is forgotten. */
const MAX_RESOURCES = 64;

const SUBSCRIPTION_TYPES = new Set([
  "subscribe",
  "subscribed",
  "unsubscribe",
  "unsubscribed",
]);

/** Handles one session's incoming presence, chat states and errors. */
export function createInbound(events: Emitter<SessionEvents>) {
  const presences = new Map<string, Map<string, Presence>>();
  return {
    /** A message that is not a chat message: a chat state or an error. */
    onMessage(stanza: Element): void {
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
    },
    onPresence(stanza: Element): void {
      const type = stanza.attrs.type;
      if (SUBSCRIPTION_TYPES.has(type) && stanza.attrs.from) {
        events.emit("subscription", { from: String(stanza.attrs.from), type });
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
    },
    presencesOf(bare: string): Presence[] {
      return [...(presences.get(bare.toLowerCase())?.values() ?? [])];
    },
    /**
     * A new session: what we knew may be stale (no unavailable comes for a
     * contact who left meanwhile). Each known resource is announced
     * unavailable; the server sends the current presences again.
     */
    reset(): void {
      const known = [...presences.values()].flatMap((r) => [...r.values()]);
      presences.clear();
      for (const p of known) {
        events.emit("presence", {
          ...p,
          show: "unavailable",
          status: undefined,
        });
      }
    },
  };
}
