/** A session's options and what it offers: `createSession(options)` returns a `Session`. */
import type {
  ChatMessage,
  ChatState,
  MessageHandler,
  Presence,
  PresenceShow,
  RosterItem,
  SentMessage,
  SessionEvents,
  SessionTimings,
  UnacknowledgedMessage,
} from "./types.ts";

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
  /**
   * Reconnect when a connection that was online breaks (default false):
   * resume the stream (XEP-0198), else bind a new session; forever, until
   * `stop()` or a failure that retrying cannot fix (stream errors
   * `conflict`, `see-other-host`, `not-authorized`, `host-gone`,
   * `host-unknown`; credentials rejected; a SASL or TLS downgrade; an
   * untrusted certificate; a refused or foreign bind). The first attempt
   * after an outage is at once, then `reconnectBaseMs` doubling up to
   * `reconnectMaxMs`, each delay drawn between half and all of it; a
   * connection that stayed online 30 s starts the next outage afresh.
   * `start()` itself is not retried. Without it, a broken connection ends
   * the session (`disconnected`, then `status: "offline"`).
   */
  reconnect?: boolean;
  /** First delay between failed reconnect attempts, ms (default 1000). */
  reconnectBaseMs?: number;
  /** Longest delay between reconnect attempts, ms (default 60 000). */
  reconnectMaxMs?: number;
  /**
   * Probe the server (`<r/>`, else a ping) after this long without a byte
   * from it, ms (default 60 000); also at once when a timer fires a second
   * or more late (a suspend, a sleeping laptop).
   */
  keepaliveMs?: number;
  /**
   * A probe (or any request for an acknowledgement) with no byte back for
   * this long means the connection is dead, ms (default 20 000).
   */
  deadAfterMs?: number;
  /**
   * Read the archive on every connect that is not a resume (and after a
   * resume when the last catch-up broke off), before live messages, which
   * wait meanwhile, reach the message handler. A server without an
   * archive: skipped (`catchUp` event, outcome `skipped`).
   */
  catchUp?: CatchUpOptions;
}

/** Archive catch-up, see {@linkcode SessionOptions.catchUp}. */
export interface CatchUpOptions {
  /**
   * The `stanzaId` of the last archived message the caller logged (live,
   * carbon or archive); `undefined` on a first start, which fetches only
   * `window`. Called once per connect.
   */
  after(): Promise<string | undefined>;
  /** The first start's window: at most `max` messages, none older than `sinceMs`. */
  window: { max: number; sinceMs: number };
  /**
   * Most archive results read after a cursor on one connect (default
   * 100 000); beyond it the outcome is `failed` and the next connect reads
   * on from the caller's cursor.
   */
  limit?: number;
}

/** Options of `sendMessage`. */
export interface SendOptions {
  /**
   * The message id, also sent as XEP-0359 origin-id: pass the id of a
   * message queued in an earlier run so its resend keeps it.
   */
  id?: string;
  /**
   * When the message was first queued, for a resend from an earlier run:
   * the session then looks the id up in our archive first and does not send
   * it again when the server already has it.
   */
  queuedAt?: Date;
}

/** Options of `queryArchive` (XEP-0313). */
export interface ArchiveQuery {
  /** Only the conversation with this JID. */
  with?: string;
  /** Page forward from after this archive id (a `stanzaId`). */
  after?: string;
  /** Page backward from before this archive id; `true`: from the newest. */
  before?: string | true;
  start?: Date;
  end?: Date;
  /**
   * Most archive results read in all (default 10 000, at most 100 000);
   * results that are not chat messages (receipts, chat states) count too
   * but are not handed over.
   */
  max?: number;
  /** Results asked for per page (default 100; servers may send fewer). */
  pageSize?: number;
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
   * Sends a chat message with an XEP-0359 origin-id (= its id) and a
   * receipt request; resolves when the server has acknowledged it, across
   * reconnects: resent on resume, and after a new session only when our
   * archive does not already hold it. Rejects with `UsageError` before
   * writing anything when `assertSendable` would throw, with
   * `ConnectionError` when it certainly was not sent (the session is not
   * online and does not reconnect, or ended before writing it), and with
   * `NotConfirmedError` (exit 7) when it was written but the session gave
   * up before the server acknowledged it: it may still arrive. A session
   * without `reconnect` gives up after `timeoutMs`, or when its connection
   * ends; one with `reconnect` waits (queued while reconnecting) until
   * `stop()`. A second call with the id of a message still pending returns
   * the same promise. A bounce still comes as the `error` event with the id.
   */
  sendMessage(
    to: string,
    body: string,
    options?: SendOptions,
  ): Promise<SentMessage>;
  /**
   * Every message `sendMessage` accepted that the server has not
   * acknowledged, oldest first, also after a rejection and after the session
   * ended: what to keep on disk and resend with the same id next time.
   */
  unacknowledged(): UnacknowledgedMessage[];
  /**
   * Sets the handler incoming chat messages go to (live, carbons, archive
   * catch-up), one batch at a time in order; see {@linkcode MessageHandler}.
   * Set it before `start()`: with it the session enables carbons, holds
   * XEP-0198 acknowledgements and receipts until a batch is handled, and
   * stops reading from the server while 2 000 messages wait for it. A
   * message seen again in the session (same archive id; a delayed copy of
   * one without; an archive copy of one this session sent) is not handed
   * over twice.
   */
  setMessageHandler(handler: MessageHandler): void;
  /**
   * Reads our own archive (XEP-0313), page by page in archive order
   * (`before` pages go backward; messages within a page are oldest first).
   * Throws `ArchiveError` when the server has no archive or breaks the
   * protocol (a repeated page, no end within the limits).
   */
  queryArchive(query?: ArchiveQuery): AsyncIterable<ChatMessage[]>;
  /** Fetches the roster (and again, as `rosterReset`, after a new session). */
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
  /**
   * Announces our presence (initial presence when called first; `UsageError`
   * for a status XML forbids); sent again on each new session.
   */
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
  /**
   * Goes offline cleanly (acknowledging what was handled): no timers or
   * sockets are left behind, no reconnect follows, and messages not yet
   * acknowledged are rejected (`NotConfirmedError` when written,
   * `ConnectionError` when not) but stay in `unacknowledged()`. It does not
   * wait for the message handler; what it had not finished is not
   * acknowledged, and the server keeps it (archive, offline storage).
   */
  stop(): Promise<void>;
}
