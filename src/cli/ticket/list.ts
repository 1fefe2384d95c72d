import { UsageError } from "../../errors.ts";
import { formatTable } from "../_table.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

const STATUSES = ["open", "pending", "resolved", "closed"];

/** `pidgin ticket list`. */
export const ticketListCommand: CommandSpec = {
  name: "list",
  summary:
    "List tickets, newest update first (all pages, at most 1000 of 100 each)",
  args: "",
  examples: [
    "pidgin ticket list",
    "pidgin ticket list --status open --contact bob@example.com",
    "pidgin ticket list --offline",
  ],
  options: [
    {
      flags: "--status <status>",
      description: "open, pending, resolved or closed",
    },
    { flags: "--contact <jid>", description: "only this contact's tickets" },
    {
      flags: "--offline",
      description: "from the local ticket index, without asking the backend",
    },
    { flags: "--json", description: "print the tickets as JSON" },
  ],
  async run(_args, options, ctx) {
    const status = options.status === undefined
      ? undefined
      : String(options.status);
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new UsageError(
        `Invalid --status "${status}": expected ${STATUSES.join(", ")}`,
      );
    }
    const { toBareJid } = await import("../../xmpp/mod.ts");
    const contact = options.contact === undefined
      ? undefined
      : toBareJid(String(options.contact), "--contact");
    const offline = Boolean(options.offline);
    const services = await openTicketServices(ctx, { offline });
    const { listTickets } = await import("../../core/mod.ts");
    const { rows } = await listTickets(services, { status, contact, offline });
    if (options.json) {
      await ctx.json(rows);
      return;
    }
    if (rows.length === 0) {
      await ctx.err("No tickets\n");
      return;
    }
    await ctx.out(formatTable([
      ["ID", "STATUS", "CONTACT", "UPDATED", "SUBJECT"],
      ...rows.map((
        t,
      ) => [
        t.id,
        t.status,
        t.contact,
        t.updatedAt.slice(0, 16).replace("T", " "),
        t.subject,
      ]),
    ]));
  },
};
