import { ConfigError, UsageError } from "../../errors.ts";
import type { App } from "../app.ts";
import type { SlashCommand } from "./command.ts";

/** The current conversation, and its account's ticket services (opened at start when the backend is configured). */
function current(app: App) {
  const conversation = app.current;
  if (!conversation) {
    throw new UsageError("No conversation is open", {
      hint: "Open one with /chat <jid>",
    });
  }
  const tickets = conversation.account.tickets;
  if (!tickets) {
    throw new ConfigError("The ticket backend is not configured", {
      hint: "Set API_BASE_URL and API_TOKEN",
    });
  }
  return { contact: conversation.jid, services: tickets.services };
}

export const ticket: SlashCommand = {
  name: "ticket",
  usage: "/ticket <message>",
  summary:
    "Create a ticket for the current contact, with the recent conversation as context",
  async run(args, app) {
    const { contact, services } = current(app);
    if (!args.trim()) {
      throw new UsageError("Expected a message", {
        hint: "/ticket <what the problem is>",
      });
    }
    const { createTicketFor } = await import("../../core/mod.ts");
    const outcome = await createTicketFor(services, { contact, body: args });
    const { view } = app;
    if (outcome.status === "created") {
      view.line(
        `Created ticket ${outcome.ticket.id} for ${contact}: ${outcome.ticket.subject}`,
      );
    } else {
      view.line(
        view.dim(
          `${outcome.error.message}; the ticket is queued in the outbox and will be created once`,
        ),
      );
    }
  },
};

export const tickets: SlashCommand = {
  name: "tickets",
  usage: "/tickets",
  summary:
    "The current contact's tickets (from the local index when the backend is unreachable)",
  async run(_args, app) {
    const { contact, services: s } = current(app);
    const { view } = app;
    const { listTickets } = await import("../../core/mod.ts");
    const { rows, fromIndex } = await listTickets(s, {
      contact,
      fallback: true,
    });
    if (fromIndex) {
      view.line(
        view.dim(`${fromIndex.because.message}; showing the local index`),
      );
    }
    if (rows.length === 0) return view.line(`No tickets for ${contact}`);
    for (const t of rows) {
      view.line(`${t.id}  ${t.status}  ${t.subject}`);
    }
  },
};
