/**
 * One online account of an interactive session: its connection (session,
 * log, messaging), roster, pending subscription requests and ticket work,
 * and what its server's events mean for the app (logged messages to
 * conversations, roster changes to the buddy list, the connection's state).
 */
import {
  type Account,
  type AccountConnection,
  type AccountLog,
  type Core,
  type DeliveryError,
  mergeRoster,
  type Messaging,
  type TicketBackground,
} from "../core/mod.ts";
import type {
  ChatMessage,
  ChatStateEvent,
  ConnectionStatus,
  Presence,
  PresenceShow,
  RosterItem,
  Session,
  SessionEvents,
} from "../xmpp/mod.ts";
import type { AppError } from "../errors.ts";

/** Our own presence on an account, as last set with /status. */
export interface OwnStatus {
  show: PresenceShow | "invisible";
  message?: string;
}

/** What an account tells the app. */
export interface AccountEvents {
  /** Messages just logged (each once), to show. */
  messages(from: AccountView, batch: ChatMessage[]): void;
  chatState(from: AccountView, event: ChatStateEvent): void;
  presence(from: AccountView, presence: Presence): void;
  subscription(
    from: AccountView,
    jid: string,
    type: "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed",
  ): void;
  error(from: AccountView, error: SessionEvents["error"]): void;
  /** The connection's state changed (reconnecting in N s, resumed, online again). */
  state(from: AccountView): void;
  /** The session ended for good; `reason` says why (conflict …). */
  offline(from: AccountView, reason: string | undefined): void;
  /** A message already acknowledged came back undeliverable. */
  bounce(from: AccountView, error: DeliveryError): void;
  /** A contact confirmed a message (XEP-0184). */
  receipt(from: AccountView, receipt: SessionEvents["receipt"]): void;
  /** A background task failed; said once per kind. */
  warn(from: AccountView, line: string): void;
}

/** What the prompt says of an account's connection. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** When reconnecting: when the next attempt is (`performance.now()` ms). */
  retryAt?: number;
}

/** One online account. */
export interface AccountView {
  account: Account;
  session: Session;
  log: AccountLog;
  /** Sending and receiving with logs, as every mode does it. */
  messaging: Messaging;
  roster: Map<string, RosterItem>;
  /** Contacts who asked to see our presence and wait for /accept or /deny, oldest first. */
  pendingSubscriptions: Set<string>;
  tickets: TicketBackground | undefined;
  status: OwnStatus;
  /** False once the session has ended for good (it reconnects by itself until then). */
  online: boolean;
  /** Its connection: closed by the read loop at the end. */
  connection: AccountConnection;
  /** The connection right now. */
  state: ConnectionState;
  /** Why the session ended, when it said (conflict …). */
  lost?: AppError;
  /** The name shown and logged for a contact of this account. */
  nameOf(jid: string): string;
  /** Stops listening; the buddy list gets its last merge (the connection stays open). */
  dispose(): Promise<void>;
}

/** Wraps an online account and forwards its events to `events`, in arrival order. */
export function createAccountView(
  options: {
    core: Core;
    account: Account;
    connection: AccountConnection;
    roster: RosterItem[];
    tickets: TicketBackground | undefined;
    events: AccountEvents;
    /** Serialises work that touches the screen or the logs. */
    enqueue(task: () => Promise<void>): void;
  },
): AccountView {
  const { connection, events, enqueue } = options;
  const { session, log } = connection;
  const view: AccountView = {
    account: options.account,
    session,
    log,
    messaging: connection.messaging,
    roster: new Map(options.roster.map((item) => [item.jid, item])),
    pendingSubscriptions: new Set(),
    tickets: options.tickets,
    status: { show: "available" },
    online: true,
    connection,
    state: { status: "online" },
    nameOf(jid) {
      return log.nameOf(jid, view.roster.get(jid)?.name);
    },
    async dispose() {
      for (const off of unsubscribe) off();
      if (mergeTimer !== undefined) {
        clearTimeout(mergeTimer);
        await saveRoster();
      }
    },
  };
  // The logs name contacts as the view does.
  connection.setNames(view.nameOf);

  // The buddy list follows the server's roster, a moment after it changes.
  let mergeTimer: ReturnType<typeof setTimeout> | undefined;
  let mergeWarned = false;
  const saveRoster = async () => {
    mergeTimer = undefined;
    try {
      await mergeRoster(
        options.core.purpleDir,
        view.account,
        view.roster.values(),
      );
    } catch (err) {
      if (mergeWarned) return;
      mergeWarned = true;
      events.warn(
        view,
        `pidgin: Cannot update the buddy list: ${
          err instanceof Error ? err.message : err
        }`,
      );
    }
  };
  const rosterChanged = () => {
    clearTimeout(mergeTimer);
    mergeTimer = setTimeout(() => enqueue(saveRoster), 500);
  };

  const unsubscribe = [
    // Logged already (the session acknowledges them only then); shown in order.
    connection.onMessages((batch) =>
      enqueue(() => Promise.resolve(events.messages(view, batch)))
    ),
    session.on("chatstate", (e) => events.chatState(view, e)),
    session.on("presence", (p) => events.presence(view, p)),
    session.on("roster", (item) => {
      if (item.subscription === "remove") view.roster.delete(item.jid);
      else view.roster.set(item.jid, item);
      rosterChanged();
    }),
    session.on("rosterReset", (items) => {
      view.roster = new Map(items.map((item) => [item.jid, item]));
      rosterChanged();
    }),
    session.on("subscription", (request) => {
      const jid = request.from.split("/")[0]!.toLowerCase();
      if (request.type === "subscribe") view.pendingSubscriptions.add(jid);
      events.subscription(view, jid, request.type);
    }),
    session.on("error", (e) => events.error(view, e)),
    session.on("receipt", (r) => events.receipt(view, r)),
    session.on("disconnected", (error) => {
      view.lost = error;
    }),
    session.on("reconnecting", (e) => {
      view.state = {
        status: "reconnecting",
        retryAt: performance.now() + e.inMs,
      };
      events.state(view);
    }),
    session.on("status", (status) => {
      if (status === "offline") {
        if (!view.online) return;
        view.online = false;
        view.state = { status };
        events.offline(view, view.lost?.message);
        return;
      }
      if (status === "connecting") return;
      const was = view.state.status;
      view.state = { status };
      if (status !== was) events.state(view);
    }),
  ];
  return view;
}
