import { UsageError } from "../../errors.ts";
import type { SlashCommand } from "./command.ts";

const SHOW_ORDER = ["chat", "available", "away", "xa", "dnd", "offline"];

export const chat: SlashCommand = {
  name: "chat",
  usage: "/chat <jid|alias|prefix>",
  summary: "Switch to (or open) a conversation",
  completes: "contact",
  run(args, app) {
    app.switchTo(app.resolveContact(args));
  },
};

export const close: SlashCommand = {
  name: "close",
  usage: "/close [jid|alias]",
  summary: "Close the current (or the named) conversation",
  completes: "contact",
  run(args, app) {
    const jid = args.trim() ? app.resolveContact(args) : app.current;
    if (!jid) throw new UsageError("No conversation is open");
    app.conversations.delete(jid);
    if (app.current === jid) app.current = undefined;
    app.view.line(
      app.view.dim(`Closed the conversation with ${app.nameOf(jid)}`),
    );
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
    const jid = app.resolveContact(who);
    app.open(jid);
    await app.send(text, jid);
    if (jid !== app.current) {
      app.view.line(app.view.dim(`Sent to ${app.nameOf(jid)} (${jid})`));
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
    const jids = new Set([...app.conversations.keys(), ...app.roster.keys()]);
    if (jids.size === 0) {
      return view.line(
        "No conversations or contacts yet: /add <jid> or /chat <jid>",
      );
    }
    const rows = [...jids].map((jid) => {
      const best = app.session.presencesOf(jid).sort((a, b) =>
        b.priority - a.priority
      )[0];
      const show = best?.show ?? "offline";
      const conversation = app.conversations.get(jid);
      return { jid, show, status: best?.status, conversation };
    }).sort((a, b) =>
      Number(!!b.conversation) - Number(!!a.conversation) ||
      SHOW_ORDER.indexOf(a.show) - SHOW_ORDER.indexOf(b.show) ||
      a.jid.localeCompare(b.jid)
    );
    for (const r of rows) {
      const marker = r.jid === app.current ? "*" : r.conversation ? "+" : " ";
      const unread = r.conversation?.missed.length
        ? `  ${r.conversation.missed.length} unread`
        : "";
      const status = r.status ? ` "${r.status}"` : "";
      view.line([
        `${marker} `,
        view.name(app.nameOf(r.jid)),
        ` <${r.jid}>  ${r.show}${status}${unread}`,
      ]);
    }
  },
};
