/**
 * Following cursors without trusting them: paging stops with a clear error
 * when the backend repeats a cursor or sends more pages than any real list
 * has, so a broken or hostile backend cannot keep pidgin paging forever.
 */
import { TicketApiError } from "./_failure.ts";
import type { TicketClient } from "./client.ts";
import type { SyncPage, TicketStatus, TicketSummary } from "./schemas.ts";

/** The most pages one listing or sync follows (1000). */
export const MAX_PAGES = 1000;

const HINT = "The backend does not follow docs/ticket-api.yaml";

function repeated(endpoint: string, cursor: string, pages: number) {
  return new TicketApiError(
    `The ticket backend repeated the cursor "${
      cursor.slice(0, 40)
    }" of ${endpoint}: stopped after ${pages} pages`,
    { retryable: false, hint: HINT },
  );
}

function tooMany(endpoint: string, maxPages: number) {
  return new TicketApiError(
    `The ticket backend sent more than ${maxPages} pages for ${endpoint}: stopped paging`,
    { retryable: false, hint: HINT },
  );
}

/**
 * Every ticket of a listing (GET /tickets, 100 per page). Throws a
 * TicketApiError (exit 6) on a repeated cursor or after `maxPages` pages
 * (default {@linkcode MAX_PAGES}).
 *
 * Requires net access to the backend.
 */
export async function listAllTickets(
  client: TicketClient,
  filter: { status?: TicketStatus; contact?: string },
  options: { maxPages?: number } = {},
): Promise<TicketSummary[]> {
  const maxPages = options.maxPages ?? MAX_PAGES;
  const endpoint = "GET /api/v1/xmpp/tickets";
  const items: TicketSummary[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1;; pages++) {
    const page = await client.listTickets({ ...filter, cursor, limit: 100 });
    for (const item of page.items) items.push(item);
    if (page.nextCursor === null) return items;
    if (pages >= maxPages) throw tooMany(endpoint, maxPages);
    if (seen.has(page.nextCursor) || page.nextCursor === cursor) {
      throw repeated(endpoint, page.nextCursor, pages);
    }
    if (cursor !== undefined) seen.add(cursor);
    cursor = page.nextCursor;
  }
}

/**
 * The sync pages of one ticket from `cursor` on, until a page brings no
 * events (its `nextCursor` is where the next sync continues). A page whose
 * `nextCursor` is one already sent would bring the same events again: it
 * is not yielded, and a TicketApiError (exit 6) is thrown instead, as after
 * `maxPages` pages (default {@linkcode MAX_PAGES}).
 *
 * Requires net access to the backend.
 */
export async function* syncTicketPages(
  client: TicketClient,
  id: string,
  cursor: string | undefined,
  options: { maxPages?: number } = {},
): AsyncGenerator<SyncPage> {
  const maxPages = options.maxPages ?? MAX_PAGES;
  const endpoint = `GET /api/v1/xmpp/tickets/${id}/sync`;
  const sent = new Set<string>();
  let current = cursor;
  for (let pages = 1;; pages++) {
    const page = await client.syncTicket(id, current);
    if (page.events.length === 0) {
      yield page;
      return;
    }
    if (current !== undefined) sent.add(current);
    if (sent.has(page.nextCursor)) {
      throw repeated(endpoint, page.nextCursor, pages);
    }
    yield page;
    if (pages >= maxPages) throw tooMany(endpoint, maxPages);
    current = page.nextCursor;
  }
}
