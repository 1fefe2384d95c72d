/**
 * `pidgin log --sync`: older history of one conversation, pulled from the
 * account's archive (XEP-0313) into the Pidgin logs. What it pulls is older
 * than the conversation's oldest log (pidgin's or Pidgin's), so it never
 * overlaps a log that carries no archive ids; each day of it goes to a log
 * file named by its first message, as if Pidgin had written it then. The
 * ledger keeps a message from being logged twice, across runs too.
 */
import type { Config } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import type { LogEntry } from "../store/mod.ts";
import type { ChatMessage } from "../xmpp/mod.ts";
import type { Account } from "./account.ts";
import { openAccountLog } from "./account_log.ts";
import { ledgerIds } from "./messaging.ts";
import { openSession } from "./session_open.ts";

/** What a pull did. */
export interface HistoryPull {
  /** Messages written to the logs now. */
  logged: number;
  /** Messages the archive gave that the logs already held. */
  known: number;
  /** The oldest and newest message pulled, when any. */
  from?: Date;
  to?: Date;
  /** Before when it looked: the oldest log's start, else now. */
  before: Date;
}

/** The most a pull takes at once. */
export const PULL_MAX = 100_000;

/**
 * Pulls up to `max` messages with `contact` older than its oldest log.
 *
 * Requires net access and read/write access to the profile.
 */
export async function pullHistory(
  options: {
    config: Config;
    purpleDir: string;
    timeoutMs: number;
    account: Account;
    contact: string;
    max: number;
  },
): Promise<HistoryPull> {
  const { purpleDir, account, contact } = options;
  if (!Number.isInteger(options.max) || options.max < 1) {
    throw new UsageError("Expected a number of messages above 0");
  }
  const store = await import("../store/mod.ts");
  const before = await store.oldestLogTime(purpleDir, account.jid, contact) ??
    new Date();

  // Newest first, page by page, until `max` or the start of the archive.
  const pulled: ChatMessage[] = [];
  {
    await using session = await openSession(account, {
      ownResource: false,
      timeoutMs: options.timeoutMs,
      purpleDir,
    });
    const max = Math.min(options.max, PULL_MAX);
    for await (
      const page of session.queryArchive({
        with: contact,
        before: true,
        end: new Date(before.getTime() - 1),
        max,
      })
    ) {
      for (let i = page.length - 1; i >= 0; i--) {
        const m = page[i]!;
        // A message with someone else (a server that ignores `with`) is not this conversation's.
        if (m.contact === contact && m.sentAt < before) pulled.push(m);
      }
      if (pulled.length >= max) break;
    }
    pulled.length = Math.min(pulled.length, max);
  }
  pulled.reverse();
  pulled.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());

  const ledger = store.openMessageLedger(purpleDir, account.jid);
  let logged = 0;
  let known = 0;
  try {
    const own = account.jid;
    // One file per day, opened at its first message.
    const days = new Map<string, ChatMessage[]>();
    for (const m of pulled) {
      const day = m.sentAt.toDateString();
      let list = days.get(day);
      if (!list) days.set(day, list = []);
      list.push(m);
    }
    for (const messages of days.values()) {
      const fresh = messages.filter((m) =>
        !ledgerIds(m, own).some((id) => ledger.has(id))
      );
      known += messages.length - fresh.length;
      if (fresh.length === 0) continue;
      await using log = await openAccountLog({
        config: options.config,
        purpleDir,
        account: own,
        resource: await account.resource(),
        ledger,
        clock: () => fresh[0]!.sentAt,
        // A pull asked for by name is logged even when logging is off.
        enabled: true,
      });
      const entries: LogEntry[] = fresh.map((m) => ({
        direction: m.direction,
        name: m.direction === "out" ? log.ownName : log.nameOf(contact),
        body: m.body,
        time: m.sentAt,
        // Not a cursor: catch-up goes on from the newest message, not these.
        ledger: { ids: ledgerIds(m, own) },
      }));
      await log.append(contact, ...entries);
      logged += fresh.length;
    }
  } finally {
    ledger.close();
  }
  return {
    logged,
    known,
    from: pulled[0]?.sentAt,
    to: pulled.at(-1)?.sentAt,
    before,
  };
}
