/**
 * The outgoing side of XEP-0198: the stanzas we sent since stream
 * management began, oldest first, until the server's `<a h/>` says it
 * handled them.
 */
import type { Element } from "./_xmpp_js.ts";

/** What becomes of our stanzas. */
export interface SentQueueEvents {
  acked(stanza: Element): void;
  lost(stanza: Element, handled: false | undefined): void;
}

/** Our unacknowledged stanzas on one stream (kept across a resume). */
export interface SentQueue {
  push(stanza: Element): void;
  /**
   * The server handled our stanzas up to `h` (counted since the stream
   * began); false when `h` counts stanzas we never sent.
   */
  ackTo(h: number): boolean;
  /** How many the server had acknowledged when the queue begins. */
  readonly acked: number;
  /** Takes everything still queued out, to send again on a resumed stream. */
  take(): Element[];
  /** The stream is gone: what is queued is lost (`handled` as for `lost`). */
  drop(handled: false | undefined): void;
}

/** Creates an empty queue. */
export function createSentQueue(events: SentQueueEvents): SentQueue {
  let acked = 0;
  let queue: Element[] = [];
  return {
    push(stanza) {
      queue.push(stanza);
    },
    ackTo(h) {
      const n = h - acked;
      if (n > queue.length) return false;
      if (n <= 0) return true;
      const done = queue.splice(0, n);
      acked = h;
      for (const stanza of done) events.acked(stanza);
      return true;
    },
    get acked() {
      return acked;
    },
    take() {
      const rest = queue;
      queue = [];
      return rest;
    },
    drop(handled) {
      const lost = queue;
      queue = [];
      acked = 0;
      for (const stanza of lost) events.lost(stanza, handled);
    },
  };
}
