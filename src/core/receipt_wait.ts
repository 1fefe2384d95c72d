/**
 * Waiting for a contact's delivery receipt (XEP-0184) of a message we sent:
 * watch from before the send (a receipt may come before the server's
 * acknowledgement), then wait for one id.
 */
import type { Session } from "../xmpp/mod.ts";

/** Receipts seen since it was made; `using` stops watching. */
export interface ReceiptWatch extends Disposable {
  /** Resolves true once the receipt for `id` came, false after `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<boolean>;
}

/** Starts watching `session`'s receipts (the session checks they come from the recipient). */
export function watchReceipts(session: Session): ReceiptWatch {
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  const off = session.on("receipt", ({ id }) => {
    seen.add(id);
    waiters.get(id)?.();
  });
  return {
    wait(id, timeoutMs) {
      if (seen.has(id)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve(false);
        }, timeoutMs);
        waiters.set(id, () => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve(true);
        });
      });
    },
    [Symbol.dispose]() {
      off();
    },
  };
}
