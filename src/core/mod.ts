/**
 * The application core both modes stand on: accounts, and for each its
 * session, log, ticket services and history; the operations subcommands
 * and interactive mode call alike.
 *
 * @module
 */
export type { Account } from "./account.ts";
export {
  type AccountChange,
  type AccountRow,
  addAccount,
  changeAccount,
  describeAccounts,
  type NewAccount,
} from "./account_admin.ts";
export type { AccountLog } from "./account_log.ts";
export {
  mergeRoster,
  type OfflineContact,
  offlineRoster,
} from "./buddy_list.ts";
export { type Core, type CoreOptions, createCore } from "./core.ts";
export {
  type AccountConnection,
  type ConnectOptions,
  type MessageListener,
} from "./connection.ts";
export {
  listTickets,
  type RosterRow,
  rosterRows,
  type TicketListing,
  type TicketRow,
} from "./listings.ts";
export type { InteractiveRun } from "./interactive_run.ts";
export {
  createMessaging,
  DeliveryError,
  type Messaging,
  type MessagingOptions,
  type Sent,
} from "./messaging.ts";
export { passwordFromCommand, promptPassword } from "./password.ts";
export {
  type ReportedShow,
  startTicketBackground,
  type TicketBackground,
} from "./ticket_background.ts";
export {
  checkLength,
  type CreateOutcome,
  createTicketFor,
  settleFailed,
} from "./ticket_create.ts";
export { type TicketServices } from "./tickets.ts";
export {
  parseSearchDate,
  SEARCH_LIMIT,
  type SearchHit,
  searchLogs,
  type SearchOptions,
  type SearchPage,
  type SearchRequest,
} from "./search.ts";
export { formatHit } from "./search_format.ts";
export { type ReceiptWatch, watchReceipts } from "./receipt_wait.ts";
export { type HistoryPull, PULL_MAX } from "./history_sync.ts";
