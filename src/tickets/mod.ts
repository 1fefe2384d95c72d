/**
 * The ticket backend: its contract (zod schemas of docs/ticket-api.yaml), a
 * fetch-based client, the outbox that never loses a create or reply, and the
 * ticket <-> chat index.
 *
 * @module
 */
export {
  MAX_RESPONSE_BYTES,
  TicketApiError,
  TicketClient,
  type TicketClientOptions,
} from "./client.ts";
export { listAllTickets, MAX_PAGES, syncTicketPages } from "./paging.ts";
export { parseTicketId } from "./ticket_id.ts";
export { fitContext, fitText } from "./fit.ts";
export {
  backoffMs,
  type Delivery,
  type FlushReport,
  Outbox,
  type OutboxItem,
  type OutboxRequest,
  type OutboxStorage,
  type RejectedItem,
} from "./outbox.ts";
export * from "./schemas.ts";
export {
  checkTicketIndex,
  type IndexedTicket,
  TicketIndex,
  type TicketIndexData,
  type TicketIndexStorage,
} from "./ticket_index.ts";
