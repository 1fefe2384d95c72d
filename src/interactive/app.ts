/**
 * The state of an interactive session and what happens when the server
 * speaks: conversations with unread counts, the roster, pending subscription
 * requests, typing notifications. Commands act on it; the view prints it.
 */
import { UsageError } from "../errors.ts";
import type { ChatMessage, RosterItem, Session } from "../xmpp/mod.ts";
import {
  type AccountLog,
  type CliContext,
  logAndSend,
  logIncoming,
} from "../cli/context.ts";
import type { TicketBackground } from "../cli/ticket/_background.ts";
import type { View } from "./view.ts";

/** One conversation window. */
export interface Conversation {
  jid: string;
  /** Lines that arrived while it was not the current one: the unread ones, shown on /chat. */
  missed: string[];
  typing: boolean;
}

/** Everything a command can use. */
export interface App {
  ctx: CliContext;
  session: Session;
  log: AccountLog;
  view: View;
  roster: Map<string, RosterItem>;
  conversations: Map<string, Conversation>;
  current: string | undefined;
  /** Contacts who asked to see our presence and wait for /accept or /deny. */
  pendingSubscriptions: Set<string>;
  tickets: TicketBackground | undefined;
  /** The name shown and logged for a contact. */
  nameOf(jid: string): string;
  /** A JID, an alias or a unique prefix of either, to a bare JID. */
  resolveContact(text: string): string;
  /** Opens (or returns) the conversation with `jid`. */
  open(jid: string): Conversation;
  /** Makes `jid` the current conversation and prints what was missed. */
  switchTo(jid: string): void;
  /** Logs, then sends `text` to the current contact. */
  sendToCurrent(text: string): Promise<void>;
  /** Redraws the prompt (current contact, typing, unread). */
  updatePrompt(): void;
  /** Asks the read loop to end. */
  quit(): void;
  /** Set by the read loop. */
  onQuit?: () => void;
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/** Creates the app state and subscribes to the session's events. */
export function createApp(
  options: {
    ctx: CliContext;
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
    ctx: options.ctx,
    session,
    log,
    view,
    roster: new Map(options.roster.map((item) => [item.jid, item])),
    conversations: new Map(),
    current: undefined,
    pendingSubscriptions: new Set(),
    tickets: options.tickets,
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
      view.line(
        view.dim(`Now chatting with ${view.clean(app.nameOf(jid))} (${jid})`),
      );
      for (const line of conversation.missed) view.line(line);
      conversation.missed = [];
      app.updatePrompt();
    },
    async sendToCurrent(text) {
      const to = app.current;
      if (!to) {
        throw new UsageError("No conversation is open", {
          hint: "Open one with /chat <jid>",
        });
      }
      await logAndSend(session, log, to, text);
    },
    updatePrompt() {
      const unread = [...app.conversations.values()].reduce(
        (n, c) => n + c.missed.length,
        0,
      );
      const current = app.current
        ? app.conversations.get(app.current)
        : undefined;
      const who = app.current ? view.clean(app.nameOf(app.current)) : "pidgin";
      const typing = current?.typing ? " (typing…)" : "";
      view.setPrompt(`${unread ? `[${unread} unread] ` : ""}${who}${typing}> `);
    },
    quit() {
      app.onQuit?.();
    },
    async dispose() {
      for (const off of unsubscribe) off();
      await queue;
    },
  };

  // Messages that arrive together are logged with one write per conversation.
  let arrived: ChatMessage[] = [];
  // One write for the log of each conversation and one for the screen per batch.
  const flushArrived = async () => {
    const batch = arrived;
    arrived = [];
    await logIncoming(log, batch, app.nameOf);
    const lines = batch.map(render);
    view.line(lines.join("\n"));
    if (batch.some((m) => m.fromBare !== app.current)) view.ring();
    app.updatePrompt();
  };
  /** The line a message gets; one from elsewhere counts as unread and shows as a notice. */
  const render = (m: ChatMessage): string => {
    const conversation = app.open(m.fromBare);
    conversation.typing = false;
    const who = view.name(app.nameOf(m.fromBare));
    const body = view.clean(m.body);
    const line = m.body.startsWith("/me ")
      ? `${clock(m.sentAt)} * ${who} ${body.slice(4)}`
      : `${clock(m.sentAt)} ${who}: ${body}`;
    if (app.current === m.fromBare) return line;
    conversation.missed.push(line);
    const preview = body.length > 60 ? `${body.slice(0, 60)}…` : body;
    const from = view.clean(app.nameOf(m.fromBare));
    return view.dim(
      `(${
        clock(m.sentAt)
      } ${conversation.missed.length} unread from ${from}: ${preview})`,
    );
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
      const status = p.status ? ` (${view.clean(p.status)})` : "";
      view.line(
        view.dim(
          `${view.clean(app.nameOf(p.fromBare))} is now ${p.show}${status}`,
        ),
      );
    }),
    session.on("roster", (item) => {
      if (item.subscription === "remove") app.roster.delete(item.jid);
      else app.roster.set(item.jid, item);
    }),
    session.on("subscription", (request) => {
      const jid = request.from.split("/")[0]!.toLowerCase();
      const who = view.clean(jid);
      if (request.type === "subscribe") {
        app.pendingSubscriptions.add(jid);
        view.line(
          view.bold(
            `${who} wants to see your presence: /accept ${who} or /deny ${who}`,
          ),
        );
        view.ring();
      } else if (request.type === "subscribed") {
        view.line(
          view.dim(`${who} accepted your request to see their presence`),
        );
      } else if (request.type === "unsubscribed") {
        view.line(view.dim(`${who} does not share their presence with you`));
      }
    }),
    session.on("error", (e) => {
      view.error(
        `Cannot deliver to ${
          view.clean(e.from ?? "the server")
        }: ${e.condition}${e.text ? ` (${view.clean(e.text)})` : ""}`,
      );
    }),
  ];
  return app;
}
