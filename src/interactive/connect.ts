/**
 * Bringing one account online for interactive mode: session (its own
 * resource, exactly), log, roster (merged into the buddy list), initial
 * presence, and ticket work when the backend is configured.
 */
import type { Account, Core, TicketBackground } from "../core/mod.ts";
import type { RosterItem, Session } from "../xmpp/mod.ts";
import type { AccountLog } from "../core/mod.ts";

/** An account that came online, not yet shown. */
export interface Connected {
  account: Account;
  session: Session;
  log: AccountLog;
  roster: RosterItem[];
  tickets: TicketBackground | undefined;
  /** Problems on the side (the buddy list could not be saved …), to show once the view exists. */
  warnings: string[];
}

/** Connects `account`; on failure nothing is left open. */
export async function connectAccount(
  core: Core,
  account: Account,
  options: { log?: boolean; warn: (line: string) => void },
): Promise<Connected> {
  const warnings: string[] = [];
  const session = await core.openSession(account, { longLived: true });
  try {
    const log = await core.openLog(account, {
      enabled: options.log === false ? false : undefined,
    });
    const roster = await session.getRoster();
    const { mergeRoster, startTicketBackground } = await import(
      "../core/mod.ts"
    );
    const saved = mergeRoster(core.purpleDir, account, roster).catch((err) =>
      warnings.push(
        `pidgin: Cannot update the buddy list: ${
          err instanceof Error ? err.message : err
        }`,
      )
    );
    await session.sendPresence();
    // Contacts' presences answer ours before the server answers a later
    // ping, so /list and /roster show who is online from the first line on.
    await session.roundTrip();
    await saved;
    let tickets: TicketBackground | undefined;
    if (core.config.API_BASE_URL && core.config.API_TOKEN) {
      const services = await core.tickets(account, { warn: options.warn });
      tickets = await startTicketBackground(services, options.warn);
      tickets.report("available");
    }
    return { account, session, log, roster, tickets, warnings };
  } catch (err) {
    await session.stop();
    throw err;
  }
}
