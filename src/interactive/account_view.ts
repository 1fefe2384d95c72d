/**
 * One online account of an interactive session: its session, log, roster,
 * pending subscription requests and ticket work, and what its server's
 * events mean for the app (messages to conversations, roster changes to the
 * buddy list, and so on).
 */
import {
  type Account,
  type AccountLog,
  type Core,
  createMessaging,
  type DeliveryError,
  mergeRoster,
  type Messaging,
  type TicketBackground,
} from "../core/mod.ts";
import type {
  ChatMessage,
  ChatStateEvent,
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
  messages(from: AccountView, batch: ChatMessage[]): Promise<void>;
  chatState(from: AccountView, event: ChatStateEvent): void;
  presence(from: AccountView, presence: Presence): void;
  subscription(
    from: AccountView,
    jid: string,
    type: "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed",
  ): void;
  error(from: AccountView, error: SessionEvents["error"]): void;
  /** The connection ended without /quit; `reason` says why (conflict, lost …). */
  offline(from: AccountView, reason: string | undefined): void;
  /** A message already acknowledged came back undeliverable. */
  bounce(from: AccountView, error: DeliveryError): void;
  /** A background task failed; said once per kind. */
  warn(from: AccountView, line: string): void;
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
  /** False once the connection has ended. */
  online: boolean;
  /** Why the connection ended, when the session said (conflict, lost …). */
  lost?: AppError;
  /** The name shown and logged for a contact of this account. */
  nameOf(jid: string): string;
  /** Stops listening; the buddy list gets its last merge. */
  dispose(): Promise<void>;
}

/** Wraps an online account and forwards its events to `events`, in arrival order. */
export function createAccountView(
  options: {
    core: Core;
    account: Account;
    session: Session;
    log: AccountLog;
    roster: RosterItem[];
    tickets: TicketBackground | undefined;
    events: AccountEvents;
    /** Serialises work that touches the screen or the logs. */
    enqueue(task: () => Promise<void>): void;
  },
): AccountView {
  const { session, log, events, enqueue } = options;
  const view: AccountView = {
    account: options.account,
    session,
    log,
    messaging: createMessaging({
      session,
      log,
      notice: (line) => events.warn(view, line),
      onBounce: (error) => events.bounce(view, error),
    }),
    roster: new Map(options.roster.map((item) => [item.jid, item])),
    pendingSubscriptions: new Set(),
    tickets: options.tickets,
    status: { show: "available" },
    online: true,
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

  // Messages that arrive together are handled together: one log write per conversation.
  let arrived: ChatMessage[] = [];
  const flushArrived = () => {
    const batch = arrived;
    arrived = [];
    return events.messages(view, batch);
  };

  const unsubscribe = [
    session.on("message", (m) => {
      arrived.push(m);
      if (arrived.length === 1) enqueue(flushArrived);
    }),
    session.on("chatstate", (e) => events.chatState(view, e)),
    session.on("presence", (p) => events.presence(view, p)),
    session.on("roster", (item) => {
      if (item.subscription === "remove") view.roster.delete(item.jid);
      else view.roster.set(item.jid, item);
      clearTimeout(mergeTimer);
      mergeTimer = setTimeout(() => enqueue(saveRoster), 500);
    }),
    session.on("subscription", (request) => {
      const jid = request.from.split("/")[0]!.toLowerCase();
      if (request.type === "subscribe") view.pendingSubscriptions.add(jid);
      events.subscription(view, jid, request.type);
    }),
    session.on("error", (e) => events.error(view, e)),
    session.on("disconnected", (error) => {
      view.lost = error;
    }),
    session.on("status", (status) => {
      if (status !== "offline" || !view.online) return;
      view.online = false;
      events.offline(view, view.lost?.message);
    }),
  ];
  return view;
}
