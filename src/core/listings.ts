/**
 * What both modes list: the roster with presence and names (`pidgin roster`,
 * `/roster`, `/list`) and an account's tickets (`pidgin ticket list`,
 * `/tickets`), computed once here and shown by each mode its own way.
 */
import type { RosterItem, Session } from "../xmpp/mod.ts";
import type { AccountLog } from "./account_log.ts";
import type { TicketServices } from "./tickets.ts";

/** One contact with its best presence. */
export interface RosterRow {
  jid: string;
  /** The server's roster name, if any. */
  name: string | null;
  /** The name by libpurple's rule (roster name, alias, contact alias …). */
  displayName: string;
  subscription: string;
  pending: boolean;
  groups: string[];
  /** `available`, `away`, `chat`, `dnd`, `xa` or `offline`. */
  presence: string;
  status: string | null;
}

/** The roster as rows, sorted by JID, each with its best presence (highest priority). */
export function rosterRows(
  items: Iterable<RosterItem>,
  session: Session | undefined,
  log: Pick<AccountLog, "nameOf">,
): RosterRow[] {
  return [...items].sort((a, b) => a.jid.localeCompare(b.jid)).map((item) => {
    const best = session?.presencesOf(item.jid).sort((a, b) =>
      b.priority - a.priority
    )[0];
    return {
      jid: item.jid,
      name: item.name ?? null,
      displayName: log.nameOf(item.jid, item.name),
      subscription: item.subscription,
      pending: item.pending,
      groups: item.groups,
      presence: best?.show ?? "offline",
      status: best?.status ?? null,
    };
  });
}

/** One ticket as listed. */
export interface TicketRow {
  id: string;
  status: string;
  contact: string;
  subject: string;
  updatedAt: string;
}

/** The tickets found, and whether they come from the local index because the backend failed. */
export interface TicketListing {
  rows: TicketRow[];
  /** Set when the backend could not be asked and `fallback` was allowed. */
  fromIndex?: { because: Error };
}

/**
 * Lists tickets, newest update first: from the backend (every page, the
 * index refreshed with what it says), or from the local index when
 * `offline`, or when the backend fails and `fallback` is allowed.
 */
export async function listTickets(
  services: TicketServices,
  filter: {
    status?: string;
    contact?: string;
    offline?: boolean;
    fallback?: boolean;
  },
): Promise<TicketListing> {
  const { contact, status } = filter;
  if (filter.offline) {
    return { rows: await services.index.list({ contact, status }) };
  }
  try {
    await services.flush();
    const { listAllTickets } = await import("../tickets/mod.ts");
    const items = await listAllTickets(services.client, {
      status: status as "open" | undefined,
      contact,
    });
    await services.index.remember(items);
    return { rows: items };
  } catch (err) {
    if (!filter.fallback || !(err instanceof Error)) throw err;
    return {
      rows: await services.index.list({ contact, status }),
      fromIndex: { because: err },
    };
  }
}
