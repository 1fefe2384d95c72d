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
  usage: "/search <text>",
  summary:
    "Search the logs of the current conversation (or of every contact when none is open)",
  async run(args, app) {
    const wanted = args.trim().toLowerCase();
    if (!wanted) {
      throw new UsageError("Expected something to search for", {
        hint: "/search <text>",
      });
    }
    const targets = app.current
      ? [{ account: app.current.account, jid: app.current.jid }]
      : app.accounts.flatMap((account) =>
        [...account.roster.keys()].map((jid) => ({ account, jid }))
      );
    let found = 0;
    for (const { account, jid } of targets) {
      const entries = await app.core.history(
        account.account,
        jid,
        Number.MAX_SAFE_INTEGER,
      );
      for (const e of entries) {
        if (!e.text.toLowerCase().includes(wanted)) continue;
        found++;
        app.view.line(
          `${app.current ? "" : `${jid}: `}${indentContinuation(e.text)}`,
        );
      }
    }
    if (found === 0) {
      app.view.line(app.view.dim(`Nothing found for "${args.trim()}"`));
    }
  },
};
