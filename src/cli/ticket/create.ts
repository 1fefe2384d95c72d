import { UsageError } from "../../errors.ts";
import { toTerminalJson } from "../../text/sanitize.ts";
import { readMessage } from "../_stdin.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

/** `pidgin ticket create <jid> [message...]`. */
export const ticketCreateCommand: CommandSpec = {
  name: "create",
  summary:
    "Create a ticket for a contact, with the recent conversation as context",
  args: "<jid> [message...]",
  examples: [
    'pidgin ticket create bob@example.com "Printer on floor 3 is jammed"',
    "echo 'VPN drops every hour' | pidgin ticket create --priority high bob@example.com",
  ],
  options: [
    {
      flags: "--subject <text>",
      description: "ticket subject (default: the start of the message)",
    },
    {
      flags: "--priority <level>",
      description: "low, normal (default), high or urgent",
    },
    {
      flags: "--context <lines>",
      description:
        "log lines of the conversation to attach (TICKET_CONTEXT_LINES, default 20)",
    },
    {
      flags: "--json",
      description: "print the ticket (or the queued item) as JSON",
    },
  ],
  async run([who, ...words], options, ctx) {
    const { createTicketFor } = await import("../../core/mod.ts");
    if (!who) throw new UsageError("Cannot create a ticket: expected <jid>");
    const body = await readMessage(words, "create a ticket");
    const priority = options.priority === undefined
      ? undefined
      : String(options.priority);
    if (
      priority !== undefined &&
      !["low", "normal", "high", "urgent"].includes(priority)
    ) {
      throw new UsageError(
        `Invalid --priority "${priority}": expected low, normal, high or urgent`,
      );
    }
    const { toBareJid } = await import("../../xmpp/mod.ts");
    const contact = toBareJid(who, "contact");
    const contextLines = options.context === undefined
      ? undefined
      : Number(options.context);
    if (
      contextLines !== undefined &&
      (!Number.isInteger(contextLines) || contextLines < 0 ||
        contextLines > 500)
    ) {
      throw new UsageError(
        `Invalid --context "${options.context}": expected a number of lines from 0 to 500`,
      );
    }
    const services = await openTicketServices(ctx);
    const outcome = await createTicketFor(services, {
      contact,
      body,
      subject: typeof options.subject === "string"
        ? options.subject
        : undefined,
      priority: priority as "low" | "normal" | "high" | "urgent" | undefined,
      contextLines,
    });
    if (outcome.status === "created") {
      const ticket = outcome.ticket;
      await ctx.out(
        options.json
          ? toTerminalJson({ status: "created", ticket }) + "\n"
          : `${ticket.id}\n`,
      );
      return;
    }
    if (options.json) {
      await ctx.out(
        toTerminalJson({
          status: "queued",
          outboxId: outcome.outboxId,
          error: outcome.error.message,
        }) + "\n",
      );
    }
    await ctx.err(
      `pidgin: ${outcome.error.message}\n` +
        `The ticket for ${contact} is queued in the outbox (${outcome.outboxId}); ` +
        "pidgin ticket flush or the next run will create it, once\n",
    );
  },
};
