import { UsageError } from "../../errors.ts";
import { indentContinuation } from "../../text/continuation.ts";
import type { SlashCommand } from "./command.ts";

export const history: SlashCommand = {
  name: "history",
  usage: "/history [n]",
  summary:
    "The last n lines (default 10) of the current conversation, from the Pidgin logs",
  async run(args, app) {
    const current = app.current;
    if (!current) {
      throw new UsageError("No conversation is open", {
        hint: "Open one with /chat <jid>",
      });
    }
    const n = args.trim() ? Number(args.trim()) : 10;
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(
        `Invalid count "${args.trim()}": expected a whole number above 0`,
      );
    }
    const entries = await app.core.history(
      current.account.account,
      current.jid,
      n,
    );
    if (entries.length === 0) return app.view.line(app.view.dim("No logs yet"));
    for (const e of entries) app.view.line(indentContinuation(e.text));
  },
};

export const search: SlashCommand = {
  name: "search",
  usage: "/search <text> [more]",
  summary:
    "Search the logs: the current conversation's, or every log of the profile when none is open; /search more shows older hits",
  async run(args, app) {
    const text = args.trim();
    if (!text) {
      throw new UsageError("Expected something to search for", {
        hint: "/search <text>",
      });
    }
    const { formatHit } = await import("../../core/mod.ts");
    const current = app.current;
    // "/search more" goes on from the last page of the same search.
    const last = app.lastSearch;
    const more = text === "more" && last?.next;
    const request = more && last ? { ...last.request, before: last.next } : {
      text,
      contact: current?.jid,
      account: current?.account.account.jid,
      limit: 20,
    };
    const page = await app.core.search(request);
    app.lastSearch = { request, next: page.next };
    if (page.hits.length === 0) {
      return app.view.line(
        app.view.dim(more ? "No older hits" : `Nothing found for "${text}"`),
      );
    }
    const accounts = new Set(page.hits.map((h) => h.account));
    // Oldest of the page last is newest first; on screen the newest ends up nearest the prompt.
    for (const hit of [...page.hits].reverse()) {
      app.view.line(formatHit(hit, accounts.size > 1));
    }
    if (page.next) app.view.line(app.view.dim("Older hits: /search more"));
  },
};
