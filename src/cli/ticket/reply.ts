import { UsageError } from "../../errors.ts";
import { toTerminalJson } from "../../text/sanitize.ts";
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
  async run([given, ...words], options, ctx) {
    const { checkLength, settleFailed } = await import("../../core/mod.ts");
    if (!given) throw new UsageError("Cannot reply: expected a ticket <id>");
    const tickets = await import("../../tickets/mod.ts");
    const id = tickets.parseTicketId(given);
    const body = await readMessage(words, "reply");
    checkLength("reply", "message", body, tickets.MAX_BODY_LENGTH);
    const services = await openTicketServices(ctx);
    const { readProfileNames } = await import("../../store/mod.ts");
    const names = await readProfileNames(services.purpleDir, services.account);
    const report = await services.submit({
      kind: "addMessage",
      ticketId: id,
      request: {
        author: {
          kind: "agent",
          jid: services.account,
          name: tickets.fitText(names.accountAlias || services.account, 200),
        },
        body,
        sentAt: new Date().toISOString(),
      },
    });
    const delivered = report.delivered[0];
    if (delivered && "message" in delivered) {
      await ctx.out(
        options.json
          ? toTerminalJson(delivered.message) + "\n"
          : `${delivered.message.id}\n`,
      );
      return;
    }
    const failed = report.failed[0];
    if (failed) throw await settleFailed(services, failed);
    await ctx.err(
      `pidgin: ${report.deferred[0]!.error.message}\n` +
        `The reply to ${id} is queued in the outbox (${report.item.id}); pidgin ticket flush or the next run will send it, once\n`,
    );
  },
};
