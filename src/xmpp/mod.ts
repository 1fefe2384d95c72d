/**
 * The XMPP session: the only folder that imports xmpp.js.
 *
 * @module
 */
export { toBareJid } from "./jid.ts";
export { createSession } from "./session.ts";
export { DowngradeError } from "./errors.ts";
export type {
  ChatMessage,
  ChatState,
  ChatStateEvent,
  ConnectionStatus,
  Presence,
  PresenceShow,
  RosterItem,
  SentMessage,
  Session,
  SessionErrorEvent,
  SessionEvents,
  SessionOptions,
  SessionTimings,
  SubscriptionRequest,
} from "./types.ts";
