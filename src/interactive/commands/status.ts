import { UsageError } from "../../errors.ts";
import type { SlashCommand } from "./command.ts";

const SHOWS = ["available", "away", "xa", "dnd", "invisible"] as const;

export const status: SlashCommand = {
  name: "status",
  usage: "/status [available|away|xa|dnd|invisible] [message]",
  summary:
    "Set your presence on every online account (reported to the ticket backend too); alone, show it",
  completes: "status",
  async run(args, app) {
    if (!args.trim()) {
      const { show, message } = app.active.status;
      app.view.line(`You are ${show}${message ? ` (${message})` : ""}`);
      return;
    }
    const [show, ...rest] = args.trim().split(/\s+/);
    if (!SHOWS.includes(show as typeof SHOWS[number])) {
      throw new UsageError(
        `Unknown status "${show ?? ""}": expected ${SHOWS.join(", ")}`,
      );
    }
    const message = rest.join(" ") || undefined;
    // As Pidgin's status box: one status for every account.
    for (const account of app.accounts.filter((a) => a.online)) {
      // Invisible: contacts see us offline (no XEP-0186 on every server); messages may wait offline meanwhile.
      await account.session.sendPresence(
        show === "invisible" ? "unavailable" : show as "available",
        message,
      );
      account.tickets?.report(
        show === "invisible" ? "offline" : show as "available",
        message,
      );
      account.status = { show: show as typeof SHOWS[number], message };
    }
    app.view.line(
      app.view.dim(`You are ${show}${message ? ` (${message})` : ""}`),
    );
  },
};

export const quit: SlashCommand = {
  name: "quit",
  usage: "/quit",
  summary: "Go offline and leave",
  run(_args, app) {
    app.quit();
  },
};
