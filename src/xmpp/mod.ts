/**
 * The XMPP session: the only folder that imports xmpp.js.
 *
 * @module
 */
export {
  createSession,
  type SentMessage,
  type Session,
  type SessionOptions,
  toBareJid,
} from "./session.ts";
export type {
  ChatMessage,
  ChatState,
  ChatStateEvent,
  ConnectionStatus,
  Presence,
  PresenceShow,
  RosterItem,
  SessionEvents,
  SessionTimings,
  SubscriptionRequest,
} from "./types.ts";
