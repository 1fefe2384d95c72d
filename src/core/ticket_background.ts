/**
 * What a long-running command does for the ticket backend on the side:
 * report the account's presence, and send due outbox items now and every
 * 30 s. Failures are printed once and never hold up chatting.
 */
import type { TicketServices } from "./tickets.ts";

/** Presence states the backend knows. */
export type ReportedShow = "available" | "away" | "xa" | "dnd" | "offline";

/** Running background work; `stop()` reports nothing itself, it waits for what is under way. */
export interface TicketBackground {
  /** The ticket services it runs on, for everything else the session does with tickets. */
  services: TicketServices;
  report(show: ReportedShow, status?: string): void;
  stop(): Promise<void>;
}

const FLUSH_EVERY_MS = 30_000;

/** Starts the background work on an account's ticket services. */
export async function startTicketBackground(
  services: TicketServices,
  /** Where warnings go; stderr unless the caller prints above a prompt. */
  warn: (line: string) => void,
): Promise<TicketBackground> {
  const { fitText } = await import("../tickets/mod.ts");
  const pending = new Set<Promise<unknown>>();
  const warned = new Set<string>();
  const warnOnce = (what: string, err: unknown) => {
    if (warned.has(what)) return;
    warned.add(what);
    const reason = err instanceof Error ? err.message : String(err);
    warn(`pidgin: Cannot ${what}: ${reason}`);
  };
  const track = (p: Promise<unknown>, what: string) => {
    const guarded = p.catch((err) => warnOnce(what, err));
    pending.add(guarded);
    guarded.finally(() => pending.delete(guarded));
  };
  let flushing = false;
  // A flush still under way (a slow backend) is not doubled by the next tick.
  const flush = () => {
    if (flushing) return;
    flushing = true;
    track(
      services.flush().finally(() => flushing = false),
      "send the ticket outbox",
    );
  };
  flush();
  const timer = setInterval(flush, FLUSH_EVERY_MS);
  return {
    services,
    report(show, status) {
      track(
        services.client.reportPresence(
          {
            account: services.account,
            show,
            status: status === undefined ? undefined : fitText(status, 1000),
            at: new Date().toISOString(),
          },
          crypto.randomUUID(),
        ),
        "report presence to the ticket backend",
      );
    },
    async stop() {
      clearInterval(timer);
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
