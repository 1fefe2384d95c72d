/**
 * Typing notifications we send (XEP-0085): `composing` while a line is being
 * typed to the current contact, `paused` after 5 s without a key. The timer
 * never keeps the process alive.
 */
import type { Session } from "../xmpp/mod.ts";

const PAUSED_AFTER_MS = 5000;

/** Tracks what we told whom; `stop()` clears the timer for good. */
export interface TypingNotifier {
  /** A key was pressed; `typed` is the line so far, `to` the current contact. */
  keypress(typed: string, to: string | undefined): void;
  /** The line was sent or abandoned: nothing to report any more. */
  reset(): void;
  stop(): void;
}

/** Creates the notifier for one session. */
export function createTypingNotifier(session: Session): TypingNotifier {
  let composingTo: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const notifier: TypingNotifier = {
    keypress(typed, to) {
      if (stopped || !to || typed === "" || typed.startsWith("/")) return;
      if (composingTo !== to) {
        composingTo = to;
        session.sendChatState(to, "composing").catch(() => {});
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (composingTo) {
          session.sendChatState(composingTo, "paused").catch(() => {});
        }
        composingTo = undefined;
      }, PAUSED_AFTER_MS);
      Deno.unrefTimer(timer);
    },
    reset() {
      clearTimeout(timer);
      composingTo = undefined;
    },
    stop() {
      stopped = true;
      notifier.reset();
    },
  };
  return notifier;
}
