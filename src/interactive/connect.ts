/**
 * Bringing one account online for interactive mode: its connection (its own
 * resource exactly, reconnecting, logging before acknowledging), roster
 * (merged into the buddy list), initial presence, and ticket work when the
 * backend is configured.
 */
import type {
  Account,
  AccountConnection,
  Core,
  DeliveryError,
  TicketBackground,
} from "../core/mod.ts";
import type { RosterItem } from "../xmpp/mod.ts";

/** An account that came online, not yet shown. */
export interface Connected {
  account: Account;
  connection: AccountConnection;
  roster: RosterItem[];
  tickets: TicketBackground | undefined;
  /** Problems on the side (the buddy list could not be saved …), to show once the view exists. */
  warnings: string[];
}

/** Connects `account`; on failure nothing is left open. */
export async function connectAccount(
  core: Core,
  account: Account,
  options: {
    log?: boolean;
    /** Background problems (ticket backend …): stderr over a pipe. */
    warn: (line: string) => void;
    /** What messaging says (logging stopped, text changed before sending): with the output. */
    notice: (line: string) => void;
    onBounce: (account: Account, error: DeliveryError) => void;
  },
): Promise<Connected> {
  const warnings: string[] = [];
  const connection = await core.connect(account, {
    longLived: true,
    log: options.log,
    notice: (line) => options.notice(line),
    onBounce: (error) => options.onBounce(account, error),
  });
  const { session } = connection;
  try {
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
    return { account, connection, roster, tickets, warnings };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
