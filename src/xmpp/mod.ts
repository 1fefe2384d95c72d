/**
 * The XMPP session: the only folder that imports xmpp.js.
 *
 * @module
 */
export { toBareJid } from "./jid.ts";
export { createSession } from "./session.ts";
export { DowngradeError } from "./errors.ts";
export { ArchiveError } from "./mam.ts";
export type {
  ArchiveQuery,
  CatchUpEvent,
  CatchUpOptions,
  ChatMessage,
  ChatState,
  ChatStateEvent,
  ConnectionStatus,
  MessageHandler,
  MessageSource,
  Presence,
  PresenceShow,
  ReconnectingEvent,
  RosterItem,
  SendOptions,
  SentMessage,
  Session,
  SessionErrorEvent,
  SessionEvents,
  SessionOptions,
  SessionTimings,
  SubscriptionRequest,
  UnacknowledgedMessage,
} from "./types.ts";
