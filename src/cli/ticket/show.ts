import { indentContinuation } from "../../text/continuation.ts";
import { UsageError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

/** `pidgin ticket show <id>`. */
export const ticketShowCommand: CommandSpec = {
  name: "show",
  summary: "Show a ticket with its messages",
  args: "<id>",
  examples: ["pidgin ticket show T-1042", "pidgin ticket show --json T-1042"],
  options: [{ flags: "--json", description: "print the ticket as JSON" }],
  async run([given], options, ctx) {
    if (!given) throw new UsageError("Cannot show a ticket: expected <id>");
    const { parseTicketId } = await import("../../tickets/mod.ts");
    const id = parseTicketId(given);
    const services = await openTicketServices(ctx);
    const ticket = await services.client.getTicket(id);
    await services.index.remember([ticket]);
    if (options.json) {
      await ctx.json(ticket);
      return;
    }
    const lines = [
      `${ticket.id}  ${ticket.status}  ${ticket.priority}  ${ticket.contact}`,
      ticket.subject,
      "",
      ...ticket.messages.map((m) =>
        `${
          m.createdAt.slice(0, 16).replace("T", " ")
        } ${m.author.name} (${m.author.kind}): ${indentContinuation(m.body)}`
      ),
    ];
    await ctx.out(lines.join("\n") + "\n");
  },
};
