import { UsageError } from "../../errors.ts";
import { sanitizeForTerminal } from "../../text/sanitize.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices } from "./_services.ts";
import { readMessage } from "../_stdin.ts";

/** `pidgin ticket reply <id> [message...]`. */
export const ticketReplyCommand: CommandSpec = {
  name: "reply",
  summary:
    "Add a message to a ticket (queued in the outbox while the backend is unreachable)",
  args: "<id> [message...]",
  examples: [
    'pidgin ticket reply T-1042 "Fixed, please try again"',
    "cat notes.txt | pidgin ticket reply T-1042",
  ],
  options: [{
    flags: "--json",
    description: "print the added message as JSON",
  }],
  async run([id, ...words], options, ctx) {
    if (!id) throw new UsageError("Cannot reply: expected a ticket <id>");
    const body = await readMessage(words, "reply");
    const services = await openTicketServices(ctx);
    const { readProfileNames } = await import("../../store/mod.ts");
    const names = await readProfileNames(services.purpleDir, services.account);
    const item = await services.outbox.queueMessage(id, {
      author: {
        kind: "agent",
        jid: services.account,
        name: names.accountAlias ?? services.account,
      },
      body,
      sentAt: new Date().toISOString(),
    });
    const report = await services.flush({ force: true, only: [item.id] });
    const delivered = report.delivered[0];
    if (delivered && "message" in delivered) {
      await ctx.out(
        options.json
          ? JSON.stringify(delivered.message, null, 2) + "\n"
          : `${delivered.message.id}\n`,
      );
      return;
    }
    const failed = report.failed[0];
    if (failed) {
      await services.outbox.discard(item.id);
      throw failed.error;
    }
    await ctx.err(
      `pidgin: ${sanitizeForTerminal(report.deferred[0]!.error.message)}\n` +
        `The reply to ${id} is queued in the outbox (${item.id}); pidgin ticket flush or the next run will send it, once\n`,
    );
  },
};
