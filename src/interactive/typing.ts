/**
 * Typing notifications we send (XEP-0085): `composing` while a line is being
 * typed to the current contact, `paused` after 5 s without a key. The timer
 * never keeps the process alive.
 */
import type { Session } from "../xmpp/mod.ts";

const PAUSED_AFTER_MS = 5000;

/** Whom a line goes to: the session it is sent on and the contact. */
export interface TypingTarget {
  session: Session;
  jid: string;
}

/** Tracks what we told whom; `stop()` clears the timer for good. */
export interface TypingNotifier {
  /** A key was pressed; `typed` is the line so far, `to` the current conversation. */
  keypress(typed: string, to: TypingTarget | undefined): void;
  /** The line was sent or abandoned: nothing to report any more. */
  reset(): void;
  stop(): void;
}

/** Creates the notifier. */
export function createTypingNotifier(): TypingNotifier {
  let composingTo: TypingTarget | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const notifier: TypingNotifier = {
    keypress(typed, to) {
      if (stopped || !to || typed === "" || typed.startsWith("/")) return;
      if (composingTo?.session !== to.session || composingTo.jid !== to.jid) {
        composingTo = to;
        to.session.sendChatState(to.jid, "composing").catch(() => {});
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (composingTo) {
          composingTo.session.sendChatState(composingTo.jid, "paused").catch(
            () => {},
          );
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
