import { sanitizeForTerminal } from "../../text/sanitize.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

/** `pidgin ticket outbox`: what waits to reach the backend. */
export const ticketOutboxCommand: CommandSpec = {
  name: "outbox",
  summary: "Show creates and replies waiting to reach the backend",
  args: "",
  examples: [
    "pidgin ticket outbox",
    "pidgin ticket outbox --json",
    "pidgin ticket outbox --discard <id>",
  ],
  options: [
    { flags: "--json", description: "print the items as JSON" },
    {
      flags: "--discard <id>",
      description: "drop one item (for one the backend refuses)",
    },
  ],
  async run(_args, options, ctx) {
    const services = await openTicketServices(ctx);
    if (typeof options.discard === "string") {
      await services.outbox.discard(options.discard);
      return;
    }
    const items = await services.outbox.list();
    if (options.json) {
      await ctx.out(JSON.stringify(items, null, 2) + "\n");
      return;
    }
    if (items.length === 0) {
      await ctx.err("The outbox is empty\n");
      return;
    }
    const c = sanitizeForTerminal;
    await ctx.out(
      items.map((item) => {
        const what = item.kind === "createTicket"
          ? `create ticket for ${c(item.request.contact)}: ${
            c(item.request.subject ?? item.request.message.body)
          }`
          : `reply to ${c(item.ticketId)}: ${c(item.request.body)}`;
        const state = item.state === "failed"
          ? "failed, not retried"
          : `${item.attempts} attempt(s), next ${
            item.nextAttemptAt.slice(0, 19).replace("T", " ")
          } UTC`;
        return `${item.id}  ${what}\n    ${state}${
          item.lastError ? `; last error: ${c(item.lastError)}` : ""
        }`;
      }).join("\n") + "\n",
    );
  },
};
