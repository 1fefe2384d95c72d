import { UsageError } from "../../errors.ts";
import { rosterRows } from "../../core/mod.ts";
import type { RosterItem } from "../../xmpp/mod.ts";
import type { App, Conversation } from "../app.ts";
import type { SlashCommand } from "./command.ts";

const SHOW_ORDER = ["chat", "available", "away", "xa", "dnd", "offline"];

/** The named conversation, or the current one. */
function conversationOf(args: string, app: App): Conversation {
  if (args.trim()) {
    const { account, jid } = app.resolveContact(args);
    return app.open(account, jid);
  }
  if (!app.current) throw new UsageError("No conversation is open");
  return app.current;
}

export const chat: SlashCommand = {
  name: "chat",
  usage: "/chat <jid|alias|prefix>",
  summary: "Switch to (or open) a conversation",
  completes: "contact",
  run(args, app) {
    const { account, jid } = app.resolveContact(args);
    app.switchTo(app.open(account, jid));
  },
};

export const close: SlashCommand = {
  name: "close",
  usage: "/close [jid|alias]",
  summary: "Close the current (or the named) conversation",
  completes: "contact",
  run(args, app) {
    const conversation = conversationOf(args, app);
    app.conversations.delete(conversation.key);
    if (app.current === conversation) app.current = undefined;
    app.view.line(app.view.dim(
      `Closed the conversation with ${
        app.label(conversation.account, conversation.jid)
      }`,
    ));
    app.updatePrompt();
  },
};

export const send: SlashCommand = {
  name: "send",
  usage: "/send <message>",
  summary:
    "Send a message to the current conversation (a line without / does the same)",
  async run(args, app) {
    if (!args.trim()) {
      throw new UsageError("Nothing to send", { hint: "/send <message>" });
    }
    await app.send(args);
  },
};

export const me: SlashCommand = {
  name: "me",
  usage: "/me <action>",
  summary: "Send an action, shown as * you action",
  async run(args, app) {
    if (!args.trim()) {
      throw new UsageError("Nothing to do", { hint: "/me waves" });
    }
    await app.send(`/me ${args}`);
  },
};

export const msg: SlashCommand = {
  name: "msg",
  usage: "/msg <jid|alias> <message>",
  summary: "Send one message to a contact without switching conversations",
  completes: "contact",
  async run(args, app) {
    const [, who = "", text = ""] = /^\s*(\S*)\s?([\s\S]*)$/.exec(args) ?? [];
    if (!who || !text.trim()) {
      throw new UsageError("Expected a contact and a message", {
        hint: "/msg bob@example.com see you at 3",
      });
    }
    const { account, jid } = app.resolveContact(who);
    const conversation = app.open(account, jid);
    await app.send(text, conversation);
    if (conversation !== app.current) {
      app.view.line(
        app.view.dim(`Sent to ${app.label(account, jid)} (${jid})`),
      );
    }
  },
};

export const list: SlashCommand = {
  name: "list",
  usage: "/list",
  summary:
    "Open conversations and contacts, with presence, status message and unread count",
  run(_args, app) {
    const { view } = app;
    const rows = app.accounts.flatMap((account) => {
      // The roster, and conversations with people who are not in it.
      const items = new Map<string, RosterItem>(account.roster);
      for (const c of app.conversations.values()) {
        if (c.account !== account || items.has(c.jid)) continue;
        items.set(c.jid, {
          jid: c.jid,
          subscription: "none",
          pending: false,
          groups: [],
        });
      }
      const session = account.online ? account.session : undefined;
      return rosterRows(items.values(), session, account.log).map((row) => ({
        account,
        jid: row.jid,
        show: row.presence,
        status: row.status,
        conversation: app.conversations.get(
          `${account.account.jid}\0${row.jid}`,
        ),
      }));
    }).sort((a, b) =>
      Number(!!b.conversation) - Number(!!a.conversation) ||
      SHOW_ORDER.indexOf(a.show) - SHOW_ORDER.indexOf(b.show) ||
      a.jid.localeCompare(b.jid)
    );
    if (rows.length === 0) {
      return view.line(
        "No conversations or contacts yet: /add <jid> or /chat <jid>",
      );
    }
    for (const r of rows) {
      const marker = r.conversation && r.conversation === app.current
        ? "*"
        : r.conversation
        ? "+"
        : " ";
      const unread = r.conversation?.unread
        ? `  ${r.conversation.unread} unread`
        : "";
      const status = r.status ? ` "${r.status}"` : "";
      const on = app.multi ? `  [${r.account.account.jid}]` : "";
      view.line([
        `${marker} `,
        view.name(r.account.nameOf(r.jid)),
        ` <${r.jid}>  ${r.show}${status}${unread}${on}`,
      ]);
    }
  },
};
