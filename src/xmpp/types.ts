/** Plain data the session hands upward; no XML past this folder. */

/** A one-to-one chat message that arrived. */
export interface ChatMessage {
  /** Sender's full JID. */
  from: string;
  /** Sender's bare JID, lower-case. */
  fromBare: string;
  body: string;
  /** Stanza id, when the sender gave one. */
  id?: string;
  /** When it was sent: the XEP-0203 delay stamp, else when it arrived. */
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
  condition: string;
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
