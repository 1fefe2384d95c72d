import { BackendError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";

/** `pidgin ticket flush`: send the outbox now. */
export const ticketFlushCommand: CommandSpec = {
  name: "flush",
  summary: "Send everything in the outbox now, without waiting for its backoff",
  args: "",
  examples: ["pidgin ticket flush"],
  async run(_args, _options, ctx) {
    const services = await openTicketServices(ctx);
    const report = await services.flush({ force: true });
    for (const d of report.delivered) {
      await ctx.out(
        "ticket" in d
          ? `created ${d.ticket.id}\n`
          : `replied ${d.item.ticketId} ${d.message.id}\n`,
      );
    }
    for (const f of report.failed) {
      await ctx.err(
        `failed ${f.item.id}: ${f.error.message}\n` +
          `hint: The backend refuses it as it is; pidgin ticket outbox --discard ${f.item.id} drops it\n`,
      );
    }
    const left = report.deferred.length;
    if (left > 0) {
      throw new BackendError(
        `Cannot flush the outbox: ${left} item(s) still wait; last error: ${
          report.deferred.at(-1)!.error.message
        }`,
        { hint: "They stay queued; run pidgin ticket flush again later" },
      );
    }
  },
};
