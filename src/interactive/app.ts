/**
 * The state of an interactive session and what happens when the server
 * speaks: conversations with unread counts, the roster, pending subscription
 * requests, typing notifications. Commands act on it; the view prints it.
 */
import { type AppError, UsageError } from "../errors.ts";
import type {
  ChatMessage,
  PresenceShow,
  RosterItem,
  Session,
} from "../xmpp/mod.ts";
import {
  type Account,
  type AccountLog,
  type Core,
  logAndSend,
  logIncoming,
  mergeRoster,
  type TicketBackground,
} from "../core/mod.ts";
import type { Rich } from "../text/rich.ts";
import { indentContinuation } from "../text/continuation.ts";
import { createCoalescer } from "./notices.ts";
import type { View } from "./view.ts";

/** One conversation window. */
export interface Conversation {
  jid: string;
  /** Lines that arrived while it was not the current one: the unread ones, shown on /chat. */
  missed: Rich[];
  typing: boolean;
}

/** Our own presence, as last set with /status. */
export interface OwnStatus {
  show: PresenceShow | "invisible";
  message?: string;
}

/** Everything a command can use. */
export interface App {
  core: Core;
  account: Account;
  session: Session;
  log: AccountLog;
  view: View;
  roster: Map<string, RosterItem>;
  conversations: Map<string, Conversation>;
  current: string | undefined;
  /** Contacts who asked to see our presence and wait for /accept or /deny, oldest first. */
  pendingSubscriptions: Set<string>;
  tickets: TicketBackground | undefined;
  status: OwnStatus;
  /** The name shown and logged for a contact. */
  nameOf(jid: string): string;
  /** A JID, an alias or a unique prefix of either, to a bare JID. */
  resolveContact(text: string): string;
  /** Opens (or returns) the conversation with `jid`. */
  open(jid: string): Conversation;
  /** Makes `jid` the current conversation and prints what was missed. */
  switchTo(jid: string): void;
  /** Logs, then sends `text` to `to` (default: the current contact). */
  send(text: string, to?: string): Promise<void>;
  /** Redraws the prompt (current contact, typing, unread). */
  updatePrompt(): void;
  /** Records a failure that happened outside a command (a bounce): pipes exit with it. */
  fail(err: AppError): void;
  /** Asks the read loop to end; nothing typed after it runs. */
  quit(): void;
  /** Set by the read loop. */
  onQuit?: () => void;
  /** Set by the read loop. */
  onFailure?: (err: AppError) => void;
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/** How many requests a coalesced notice names before it says "and N more". */
const NAMED_IN_NOTICE = 3;

/** Creates the app state and subscribes to the session's events. */
export function createApp(
  options: {
    core: Core;
    account: Account;
    session: Session;
    log: AccountLog;
    view: View;
    roster: RosterItem[];
    tickets: TicketBackground | undefined;
  },
): App & { dispose(): Promise<void> } {
  const { session, log, view } = options;
  let queue = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((err) =>
      view.error(`pidgin: ${err instanceof Error ? err.message : err}`)
    );
  };

  const app: App & { dispose(): Promise<void> } = {
    core: options.core,
    account: options.account,
    session,
    log,
    view,
    roster: new Map(options.roster.map((item) => [item.jid, item])),
    conversations: new Map(),
    current: undefined,
    pendingSubscriptions: new Set(),
    tickets: options.tickets,
    status: { show: "available" },
    nameOf(jid) {
      return log.nameOf(jid, app.roster.get(jid)?.name);
    },
    resolveContact(text) {
      const wanted = text.trim().toLowerCase();
      if (!wanted) {
        throw new UsageError(
          "Expected a contact: a JID, an alias or the start of one",
        );
      }
      const known = new Set([
        ...app.roster.keys(),
        ...app.conversations.keys(),
      ]);
      const candidates = [...known].map((jid) => ({
        jid,
        name: app.nameOf(jid).toLowerCase(),
      }));
      const exact = candidates.find((c) =>
        c.jid === wanted || c.name === wanted
      );
      if (exact) return exact.jid;
      const prefixed = candidates.filter((c) =>
        c.jid.startsWith(wanted) || c.name.startsWith(wanted)
      );
      if (prefixed.length === 1) return prefixed[0]!.jid;
      if (prefixed.length > 1) {
        throw new UsageError(
          `"${text}" could be ${prefixed.map((c) => c.jid).sort().join(", ")}`,
          {
            hint: "Type more of the name or the full JID",
          },
        );
      }
      if (/^[^@\s/]+@[^@\s/]+$/.test(wanted)) return wanted;
      throw new UsageError(`No contact matches "${text}"`, {
        hint: "Use a full JID such as bob@example.com",
      });
    },
    open(jid) {
      let conversation = app.conversations.get(jid);
      if (!conversation) {
        conversation = { jid, missed: [], typing: false };
        app.conversations.set(jid, conversation);
      }
      return conversation;
    },
    switchTo(jid) {
      const conversation = app.open(jid);
      app.current = jid;
      view.line(view.dim(`Now chatting with ${app.nameOf(jid)} (${jid})`));
      for (const line of conversation.missed) view.line(line);
      conversation.missed = [];
      app.updatePrompt();
    },
    async send(text, to = app.current) {
      if (!to) {
        throw new UsageError("No conversation is open", {
          hint: "Open one with /chat <jid>, or /msg <jid> <text>",
        });
      }
      await logAndSend(session, log, to, text);
    },
    updatePrompt() {
      let unread = 0;
      for (const c of app.conversations.values()) unread += c.missed.length;
      const current = app.current
        ? app.conversations.get(app.current)
        : undefined;
      const who = app.current ? app.nameOf(app.current) : "pidgin";
      const typing = current?.typing ? " (typing…)" : "";
      view.setPrompt(`${unread ? `[${unread} unread] ` : ""}${who}${typing}> `);
    },
    fail(err) {
      app.onFailure?.(err);
    },
    quit() {
      app.onQuit?.();
    },
    async dispose() {
      for (const off of unsubscribe) off();
      otherMessages.stop();
      requests.stop();
      if (mergeTimer !== undefined) {
        clearTimeout(mergeTimer);
        enqueue(saveRoster);
      }
      await queue;
    },
  };

  /** The line a message gets in its conversation; continuation lines are indented. */
  const render = (m: ChatMessage): Rich => {
    const who = view.name(app.nameOf(m.fromBare));
    const body = indentContinuation(m.body);
    return m.body.startsWith("/me ")
      ? [`${clock(m.sentAt)} * `, who, ` ${body.slice(4)}`]
      : [`${clock(m.sentAt)} `, who, `: ${body}`];
  };

  // Messages in other conversations: one notice per contact per second at most.
  const otherMessages = createCoalescer<ChatMessage>((batch) => {
    for (const [jid, messages] of batch) {
      const conversation = app.conversations.get(jid);
      if (!conversation || app.current === jid) continue;
      const m = messages.at(-1)!;
      const text = m.body.replace(/\s+/g, " ");
      const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
      view.line(view.dim(
        `(${clock(m.sentAt)} ${conversation.missed.length} unread from ${
          app.nameOf(jid)
        }: ${preview})`,
      ));
    }
    view.ring();
    app.updatePrompt();
  });

  // Subscription requests: coalesced, so 100,000 of them make a few lines.
  const requests = createCoalescer<string>((batch) => {
    const jids = [...batch.keys()];
    if (jids.length === 1) {
      const who = jids[0]!;
      view.line(view.bold(
        `${who} wants to see your presence: /accept ${who} or /deny ${who}`,
      ));
    } else {
      const named = jids.slice(0, NAMED_IN_NOTICE).join(", ");
      const more = jids.length > NAMED_IN_NOTICE
        ? ` and ${jids.length - NAMED_IN_NOTICE} more`
        : "";
      view.line(view.bold(
        `${jids.length} contacts want to see your presence: ${named}${more}; /accept <jid> or /deny <jid> (/accept alone lists them)`,
      ));
    }
    view.ring();
  });

  // The buddy list follows the server's roster, a moment after it changes.
  let mergeTimer: ReturnType<typeof setTimeout> | undefined;
  let mergeWarned = false;
  const saveRoster = async () => {
    mergeTimer = undefined;
    try {
      await mergeRoster(app.core.purpleDir, app.account, app.roster.values());
    } catch (err) {
      if (mergeWarned) return;
      mergeWarned = true;
      view.error(
        `pidgin: Cannot update the buddy list: ${
          err instanceof Error ? err.message : err
        }`,
      );
    }
  };
  const scheduleRosterSave = () => {
    clearTimeout(mergeTimer);
    mergeTimer = setTimeout(() => enqueue(saveRoster), 500);
  };

  // Messages that arrive together are logged with one write per conversation.
  let arrived: ChatMessage[] = [];
  const flushArrived = async () => {
    const batch = arrived;
    arrived = [];
    await logIncoming(log, batch, app.nameOf);
    const shown: Rich[] = [];
    for (const m of batch) {
      const conversation = app.open(m.fromBare);
      conversation.typing = false;
      const line = render(m);
      if (app.current === m.fromBare) {
        shown.push(shown.length > 0 ? ["\n", line] : line);
      } else {
        conversation.missed.push(line);
        otherMessages.add(m.fromBare, m);
      }
    }
    if (shown.length > 0) view.line(shown);
    otherMessages.settle();
    app.updatePrompt();
  };

  const unsubscribe = [
    session.on("message", (m) => {
      arrived.push(m);
      if (arrived.length === 1) enqueue(flushArrived);
    }),
    session.on("chatstate", (e) => {
      const conversation = app.conversations.get(e.fromBare);
      const typing = e.state === "composing";
      if (!conversation || conversation.typing === typing) return;
      conversation.typing = typing;
      if (e.fromBare === app.current) app.updatePrompt();
    }),
    session.on("presence", (p) => {
      if (p.fromBare !== app.current) return;
      const status = p.status ? ` (${p.status})` : "";
      view.line(
        view.dim(`${app.nameOf(p.fromBare)} is now ${p.show}${status}`),
      );
    }),
    session.on("roster", (item) => {
      if (item.subscription === "remove") app.roster.delete(item.jid);
      else app.roster.set(item.jid, item);
      scheduleRosterSave();
    }),
    session.on("subscription", (request) => {
      const jid = request.from.split("/")[0]!.toLowerCase();
      if (request.type === "subscribe") {
        app.pendingSubscriptions.add(jid);
        requests.add(jid, jid);
      } else if (request.type === "subscribed") {
        view.line(
          view.dim(`${jid} accepted your request to see their presence`),
        );
      } else if (request.type === "unsubscribed") {
        view.line(view.dim(`${jid} does not share their presence with you`));
      }
    }),
    session.on("error", (e) => {
      view.error(
        `Cannot deliver to ${e.from ?? "the server"}: ${e.condition}${
          e.text ? ` (${e.text})` : ""
        }`,
      );
    }),
  ];
  return app;
}
