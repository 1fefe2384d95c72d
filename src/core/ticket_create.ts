/** Creating a ticket from a conversation, the same for `ticket create` and `/ticket`. */
import { UsageError } from "../errors.ts";
import type { FlushReport, Ticket } from "../tickets/mod.ts";
import type { TicketServices } from "./tickets.ts";

/** What became of a new ticket. */
export type CreateOutcome =
  | { status: "created"; ticket: Ticket }
  | { status: "queued"; outboxId: string; error: Error };

/**
 * Creates a ticket for `contact` through the outbox, with the last
 * `contextLines` entries of the conversation's Pidgin log as context (each
 * line cut to the contract's limit, visibly). Throws a UsageError for a
 * message or subject the backend would refuse (nothing is queued then) and
 * the backend's error when it refuses for good; an answer that breaks the
 * contract after the backend took the request stays queued (see
 * {@linkcode settleFailed}).
 */
export async function createTicketFor(
  services: TicketServices,
  request: {
    contact: string;
    body: string;
    subject?: string;
    priority?: "low" | "normal" | "high" | "urgent";
    contextLines?: number;
  },
): Promise<CreateOutcome> {
  const [{ readRecentLog }, tickets] = await Promise.all([
    import("../store/mod.ts"),
    import("../tickets/mod.ts"),
  ]);
  checkLength(
    "create a ticket",
    "message",
    request.body,
    tickets.MAX_BODY_LENGTH,
  );
  if (request.subject !== undefined) {
    checkLength(
      "create a ticket",
      "subject",
      request.subject,
      tickets.MAX_SUBJECT_LENGTH,
    );
  }
  const lines = request.contextLines ?? services.config.TICKET_CONTEXT_LINES ??
    20;
  const context = lines === 0 ? [] : tickets.fitContext(
    (await readRecentLog(
      services.purpleDir,
      services.account,
      request.contact,
      Math.min(lines, tickets.MAX_CONTEXT_LINES),
    )).map((e) => e.text),
  );
  const report = await services.submit({
    kind: "createTicket",
    request: {
      account: services.account,
      contact: request.contact,
      subject: request.subject ??
        tickets.fitText(request.body.split("\n")[0]!, 120),
      priority: request.priority,
      message: {
        from: services.account,
        to: request.contact,
        body: request.body,
        sentAt: new Date().toISOString(),
      },
      context,
    },
  });
  const delivered = report.delivered[0];
  if (delivered && "ticket" in delivered) {
    return { status: "created", ticket: delivered.ticket };
  }
  const failed = report.failed[0];
  if (failed) throw await settleFailed(services, failed);
  return {
    status: "queued",
    outboxId: report.item.id,
    error: report.deferred[0]!.error,
  };
}

/** A UsageError when `text` is longer than the `max` characters the backend takes. */
export function checkLength(
  action: string,
  what: string,
  text: string,
  max: number,
): void {
  if (text.length <= max) return;
  throw new UsageError(
    `Cannot ${action}: the ${what} has ${text.length} characters, more than the ${max} the ticket backend takes`,
    { hint: `Shorten the ${what}` },
  );
}

/**
 * What to do with an item the backend refused for good, right after it was
 * queued: an item the backend did not take is dropped (nothing was
 * created, and the user sees why); one whose answer broke the contract
 * after a 2xx may have been done, so it stays in the outbox and the error
 * says how to drop it once checked.
 */
export async function settleFailed(
  services: TicketServices,
  failed: FlushReport["failed"][number],
): Promise<Error> {
  const { error, item } = failed;
  if (error.status !== undefined && error.status < 300) {
    const { TicketApiError } = await import("../tickets/mod.ts");
    return new TicketApiError(error.message, {
      retryable: false,
      status: error.status,
      cause: error,
      hint:
        `The backend may have done it: check, then pidgin ticket outbox --discard ${item.id}`,
    });
  }
  await services.outbox.discard(item.id);
  return error;
}
