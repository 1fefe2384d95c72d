/** Plain data the session hands upward; no XML past this folder. */
import type { AppError } from "../errors.ts";

export type {
  ArchiveQuery,
  CatchUpOptions,
  SendOptions,
  Session,
  SessionOptions,
} from "./session_types.ts";

/** Where a {@linkcode ChatMessage} came from. */
export type MessageSource = "live" | "carbon" | "archive";

/**
 * A one-to-one chat message: one that arrived (`live`), a copy of one our
 * other clients sent or received (`carbon`, XEP-0280), or one read from our
 * archive (`archive`, XEP-0313).
 */
export interface ChatMessage {
  /** `in` when the other party sent it, `out` when we did (on any of our clients). */
  direction: "in" | "out";
  /** Bare JID of the other party, lower-case: `fromBare` for `in`, the bare `to` for `out`. */
  contact: string;
  /** Sender's full JID (ours, with the sending client's resource, for `out`). */
  from: string;
  /** Sender's bare JID, lower-case. */
  fromBare: string;
  /** Recipient as addressed, when the stanza names one. */
  to?: string;
  body: string;
  /** Stanza id, when the sender gave one. */
  id?: string;
  /**
   * The id our own archive gave the message (XEP-0359 `<stanza-id>` whose
   * `by` is our bare JID; for archive results the result's id): the cursor
   * for catching up, and the key to drop a message seen twice.
   */
  stanzaId?: string;
  /** The sender's XEP-0359 `<origin-id>`, when it gave one. */
  originId?: string;
  source: MessageSource;
  /** True when the sender asked for a delivery receipt (XEP-0184). */
  receiptRequested: boolean;
  /**
   * When it was sent: the XEP-0203 delay stamp (for archive results the
   * archive's), else when it arrived; never later than when it arrived (a
   * stamp in the future is not believed).
   */
  sentAt: Date;
  /** True when it carries a delay stamp (offline storage, archive, a resend). */
  delayed: boolean;
}

/**
 * Takes messages that arrived together (one read from the server, or one
 * archive page) and resolves once they are logged, or deliberately dropped.
 * Only then does the session acknowledge them to the server (XEP-0198) and
 * answer their receipt requests (XEP-0184). A rejection counts as dropped.
 */
export type MessageHandler = (batch: ChatMessage[]) => Promise<void>;

/** What a contact's resource announced. */
export interface Presence {
  /** Full JID of the resource. */
  from: string;
  fromBare: string;
  /** `available`, `away`, `chat`, `dnd`, `xa` or `unavailable`. */
  show: PresenceShow;
  status?: string;
  priority: number;
}

/** Presence states, as XMPP names them plus `available` and `unavailable`. */
export type PresenceShow =
  | "available"
  | "away"
  | "chat"
  | "dnd"
  | "xa"
  | "unavailable";

/** Subscription state of a roster item (RFC 6121). */
export type Subscription = "none" | "to" | "from" | "both" | "remove";

/** One contact of the roster. */
export interface RosterItem {
  jid: string;
  name?: string;
  subscription: Subscription;
  /** True while our subscription request waits for an answer. */
  pending: boolean;
  groups: string[];
}

/** A subscription request or answer from a contact. */
export interface SubscriptionRequest {
  from: string;
  type: "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";
}

/**
 * Connection states announced by the `status` event:
 *
 * - `connecting`: `start()` began;
 * - `online`: bound to a new session (by `start()`, or after a reconnect
 *   whose stream could not be resumed: presence was sent again, the roster
 *   fetched again, the archive caught up in the background);
 * - `reconnecting`: the connection broke and the session reconnects
 *   (emitted once per outage, before the first `reconnecting` event);
 * - `resumed`: the broken stream was resumed (XEP-0198): nothing was lost
 *   either way, and presence, roster and carbons carry on;
 * - `offline`: the session ended (`stop()`, or a failure it does not
 *   reconnect after, announced by `disconnected` first).
 */
export type ConnectionStatus =
  | "connecting"
  | "online"
  | "reconnecting"
  | "resumed"
  | "offline";

/** The connection broke; the session tries again in `inMs`. */
export interface ReconnectingEvent {
  /** Milliseconds until the next attempt (0: at once). */
  inMs: number;
  /** Why the connection broke, or why the last attempt failed. */
  reason: AppError;
}

/** How archive catch-up (`SessionOptions.catchUp`) ended on one connect. */
export interface CatchUpEvent {
  /** Messages handed to the message handler. */
  count: number;
  /**
   * `done`: everything after the cursor (or the first-start window) was
   * fetched; `skipped`: the server keeps no archive for us; `failed`: see
   * `reason` (what was handed over before the failure stays handed over).
   */
  outcome: "done" | "skipped" | "failed";
  reason?: AppError;
}

/** A failure reported by the server for something we sent. */
export interface SessionErrorEvent {
  /** Who answered with the error (the contact or our server). */
  from?: string;
  /**
   * The id of the stanza that failed: for a message, the `id` that
   * `sendMessage` resolved to, so a caller can tie the error to that line.
   */
  id?: string;
  /** The error condition (RFC 6120, 8.3.3), one line, at most 64 characters. */
  condition: string;
  /** The server's or contact's explanation, at most 1000 characters. */
  text?: string;
}

/** XEP-0085 chat states. */
export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";

/** A contact's chat state changed (typing, paused …). */
export interface ChatStateEvent {
  from: string;
  fromBare: string;
  state: ChatState;
}

/** Events a session emits, with their payloads. */
export interface SessionEvents {
  /**
   * A chat message: at once when no message handler is set; with one, after
   * the handler resolved for its batch (so a view can listen).
   */
  message: ChatMessage;
  chatstate: ChatStateEvent;
  presence: Presence;
  roster: RosterItem;
  subscription: SubscriptionRequest;
  error: SessionErrorEvent;
  /**
   * The session ended without `stop()`: why, as the `AppError` to report
   * (stream error such as `conflict`, connection lost, a stream rule the
   * server broke …). Without `reconnect`, when an online connection ends;
   * with it, only when a failure ends the retrying. Emitted before
   * `status: "offline"`.
   */
  disconnected: AppError;
  status: ConnectionStatus;
  /** The connection broke (or an attempt failed); the next attempt is in `inMs`. */
  reconnecting: ReconnectingEvent;
  /** The server acknowledged a message `sendMessage` sent (also after its promise was rejected as not confirmed). */
  acknowledged: { id: string };
  /** The contact confirmed it received one of our messages (XEP-0184). */
  receipt: { id: string; from: string };
  /** Archive catch-up of one connect ended. */
  catchUp: CatchUpEvent;
  /**
   * The whole roster, fetched again after a reconnect bound a new session
   * (only when `getRoster()` was called before): replace what you keep.
   */
  rosterReset: RosterItem[];
}

/** When each step of `start()` finished, in ms since the process started (`performance.now()`). */
export interface SessionTimings {
  started?: number;
  connected?: number;
  secured?: number;
  authenticated?: number;
  bound?: number;
}

/** A message `sendMessage` accepted that the server has not acknowledged yet. */
export interface UnacknowledgedMessage {
  id: string;
  to: string;
  body: string;
  queuedAt: Date;
}

/** What `sendMessage` resolves to once the server has the message. */
export interface SentMessage {
  id: string;
  sentAt: Date;
}
