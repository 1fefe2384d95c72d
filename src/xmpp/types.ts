/** Plain data the session hands upward; no XML past this folder. */
import type { AppError } from "../errors.ts";

/** A one-to-one chat message that arrived. */
export interface ChatMessage {
  /** Sender's full JID. */
  from: string;
  /** Sender's bare JID, lower-case. */
  fromBare: string;
  body: string;
  /** Stanza id, when the sender gave one. */
  id?: string;
  /**
   * When it was sent: the XEP-0203 delay stamp, else when it arrived; never
   * later than when it arrived (a stamp in the future is not believed).
   */
  sentAt: Date;
  /** True when the server delivered it late (offline storage, XEP-0203). */
  delayed: boolean;
}

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

/** Connection states announced by the `status` event. */
export type ConnectionStatus = "connecting" | "online" | "offline";

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
  message: ChatMessage;
  chatstate: ChatStateEvent;
  presence: Presence;
  roster: RosterItem;
  subscription: SubscriptionRequest;
  error: SessionErrorEvent;
  /**
   * An online connection ended without `stop()`: why, as the `AppError` to
   * report (stream error such as `conflict`, connection lost, a stream rule
   * the server broke …). Emitted before `status: "offline"`.
   */
  disconnected: AppError;
  status: ConnectionStatus;
}

/** When each step of `start()` finished, in ms since the process started (`performance.now()`). */
export interface SessionTimings {
  started?: number;
  connected?: number;
  secured?: number;
  authenticated?: number;
  bound?: number;
}

/** How to reach and log in to the server. */
export interface SessionOptions {
  /** Bare JID of the account, `user@domain`. */
  jid: string;
  password: string;
  /** Resource to bind; the server picks one when absent. */
  resource?: string;
  /** Host, address or `xmpp://`/`xmpps://` URI; SRV lookup when absent. */
  server?: string;
  port?: number;
  /** PEM text of extra CAs to trust (XMPP_CA_FILE). */
  extraCa?: string;
  /** Limit for connecting and for each request, in ms (default 15 000). */
  timeoutMs?: number;
  /**
   * The strongest SASL mechanism this account used before (a value of
   * `Session.mechanism` the caller stored). `start()` refuses any weaker one
   * with a `DowngradeError` (an `AuthError`, exit 4) before sending the
   * password. Ranking: SCRAM-SHA-256 > SCRAM-SHA-1 > PLAIN; other values
   * pin nothing.
   */
  pinnedMechanism?: string;
}

/** What `sendMessage` resolves to once the server has the message. */
export interface SentMessage {
  id: string;
  sentAt: Date;
}

/** A live session; `await using` stops it. */
export interface Session extends AsyncDisposable {
  /** Full JID once online (`user@domain/resource`), else the bare JID. */
  readonly jid: string;
  /** Bare JID of the account, lower-case. */
  readonly bareJid: string;
  /** Where the time of `start()` went. */
  readonly timings: SessionTimings;
  /**
   * The SASL mechanism `start()` logged in with (`SCRAM-SHA-256`,
   * `SCRAM-SHA-1` or `PLAIN`); `undefined` before. Store the strongest one
   * seen per account and pass it back as `SessionOptions.pinnedMechanism`.
   */
  readonly mechanism: string | undefined;
  /**
   * The largest stanza the server accepts, in bytes: its XEP-0478
   * `<max-bytes/>` when it advertises one, else 262144 (Prosody's default).
   */
  readonly maxStanzaBytes: number;
  /**
   * Throws `UsageError` unless a chat message of `body` to `to` can be sent:
   * a valid recipient, no character XML 1.0 forbids, and the stanza (with
   * room for what the server adds) within `maxStanzaBytes`, e.g.
   * `Cannot send the message: it is 300 KiB, the server accepts at most 256 KiB`.
   * Call it before logging the message; `sendMessage` calls it too.
   */
  assertSendable(to: string, body: string): void;
  /** Connects, secures, authenticates and binds. */
  start(): Promise<void>;
  /**
   * Sends a chat message; resolves when the server has acknowledged it.
   * Rejects with `UsageError`, before writing anything, when
   * `assertSendable` would throw.
   */
  sendMessage(to: string, body: string): Promise<SentMessage>;
  /** Fetches the roster. */
  getRoster(): Promise<RosterItem[]>;
  /** Adds or renames a roster contact (`UsageError` for a name XML forbids). */
  updateContact(
    jid: string,
    options?: { name?: string; groups?: string[] },
  ): Promise<void>;
  /** Removes a contact from the roster (and any subscription). */
  removeContact(jid: string): Promise<void>;
  /** Tells a contact we are typing, paused … (XEP-0085); no acknowledgement is awaited. */
  sendChatState(to: string, state: ChatState): Promise<void>;
  /** Asks to see a contact's presence. */
  requestSubscription(jid: string): Promise<void>;
  /** Answers a contact's subscription request. */
  answerSubscription(jid: string, approve: boolean): Promise<void>;
  /** Announces our presence (initial presence when called first; `UsageError` for a status XML forbids). */
  sendPresence(show?: PresenceShow, status?: string): Promise<void>;
  /** Presences known for a contact's resources. */
  presencesOf(bareJid: string): Presence[];
  /** Waits until the server has handled everything sent before. */
  roundTrip(): Promise<void>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SessionEvents>(
    event: K,
    handler: (payload: SessionEvents[K]) => void,
  ): () => void;
  /** Goes offline cleanly: no timers or sockets are left behind. */
  stop(): Promise<void>;
}
