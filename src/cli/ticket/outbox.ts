import { UsageError } from "../../errors.ts";
import type { OutboxItem, RejectedItem } from "../../tickets/mod.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

function describeItem(item: OutboxItem): string {
  const what = item.kind === "createTicket"
    ? `create ticket for ${item.request.contact}: ${
      item.request.subject ?? item.request.message.body
    }`
    : `reply to ${item.ticketId}: ${item.request.body}`;
  const state = item.state === "failed"
    ? "failed, not retried"
    : `${item.attempts} attempt(s), next ${
      item.nextAttemptAt.slice(0, 19).replace("T", " ")
    } UTC`;
  const error = item.lastError ? `; last error: ${item.lastError}` : "";
  const drop = item.state === "failed"
    ? `; pidgin ticket outbox --discard ${item.id} removes it`
    : "";
  return `${item.id}  ${what}\n    ${state}${error}${drop}`;
}

function describeRejected(item: RejectedItem): string {
  return `${item.id}  rejected: ${item.reason}\n    in ${item.file}; pidgin ticket outbox --discard ${item.id} removes it`;
}

/** `pidgin ticket outbox`: what waits to reach the backend, and what was set aside. */
export const ticketOutboxCommand: CommandSpec = {
  name: "outbox",
  summary:
    "Show creates and replies waiting to reach the backend, and records set aside as rejected",
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
      description: "drop one item (one the backend refuses, or a rejected one)",
    },
  ],
  async run(_args, options, ctx) {
    // Only local files: no backend settings needed.
    const services = await openTicketServices(ctx, { offline: true });
    if (options.discard !== undefined) {
      const id = String(options.discard);
      if (!await services.outbox.discard(id)) {
        throw new UsageError(`No outbox item "${id.slice(0, 200)}"`, {
          hint: "Run pidgin ticket outbox to see the ids",
        });
      }
      await ctx.err(`Discarded ${id}\n`);
      return;
    }
    const items = await services.outbox.list();
    const rejected = await services.outbox.rejected();
    if (options.json) {
      await ctx.json([...items, ...rejected]);
      return;
    }
    if (items.length === 0 && rejected.length === 0) {
      await ctx.err("The outbox is empty\n");
      return;
    }
    await ctx.out(
      [...items.map(describeItem), ...rejected.map(describeRejected)].join(
        "\n",
      ) + "\n",
    );
  },
};
