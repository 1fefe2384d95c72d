/**
 * The incoming side of XEP-0198: `h`, the number of stanzas handled without
 * a gap since the stream began. A stanza is handled when it is dispatched,
 * unless it was held (`hold()`), then when it is released; a held stanza
 * keeps `h` behind it until then, whatever was handled after it.
 */

/** Counts the stanzas of one stream (a resumed stream goes on counting). */
export interface HandledCounter {
  /**
   * Counts the stanza that just arrived; false when it is one the server
   * resends after a resume that we had already received (drop it).
   */
  count(): boolean;
  /** Holds the stanza counted last; it is handled once the function is called. */
  hold(): () => void;
  /** `h` now. */
  handled(): number;
  /** A new stream: count from zero; what is held now counts for nothing. */
  reset(): void;
  /** The stream resumed after we said `h`: the server resends from there. */
  resumed(h: number): void;
}

/** Creates the counter of a session's streams. */
export function createHandledCounter(): HandledCounter {
  let received = 0;
  let skipUntil = 0;
  let held: { seq: number; done: boolean }[] = [];
  let head = 0;
  return {
    count() {
      received++;
      return received > skipUntil;
    },
    hold() {
      const entry = { seq: received, done: false };
      held.push(entry);
      return () => {
        entry.done = true;
      };
    },
    handled() {
      while (head < held.length && held[head]!.done) head++;
      if (head > 4096 && head * 2 > held.length) {
        held = held.slice(head);
        head = 0;
      }
      const first = held[head];
      return first ? Math.min(first.seq - 1, received) : received;
    },
    reset() {
      received = 0;
      skipUntil = 0;
      held = [];
      head = 0;
    },
    resumed(h) {
      // What arrives next is numbered from h on again; we had up to `received`.
      skipUntil = received;
      received = h;
    },
  };
}
