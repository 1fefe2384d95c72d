import { UsageError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { ticketCreateCommand } from "./create.ts";
import { ticketFlushCommand } from "./flush.ts";
import { ticketListCommand } from "./list.ts";
import { ticketOutboxCommand } from "./outbox.ts";
import { ticketReplyCommand } from "./reply.ts";
import { ticketShowCommand } from "./show.ts";
import { ticketSyncCommand } from "./sync.ts";

/** `pidgin ticket …`: the ticket backend (docs/ticket-api.yaml). */
export const ticketCommand: CommandSpec = {
  name: "ticket",
  summary:
    "Tickets in the team's backend: create, list, show, reply, sync, outbox, flush",
  args: "[command]",
  examples: [
    'pidgin ticket create bob@example.com "Printer jammed"',
    "pidgin ticket list --status open",
    "pidgin ticket sync --follow --relay",
  ],
  subcommands: [
    ticketCreateCommand,
    ticketListCommand,
    ticketShowCommand,
    ticketReplyCommand,
    ticketSyncCommand,
    ticketOutboxCommand,
    ticketFlushCommand,
  ],
  run([name]) {
    return Promise.reject(
      new UsageError(
        name === undefined
          ? "Missing ticket command"
          : `Unknown ticket command "${name}"`,
        { hint: "Run pidgin ticket --help for the ticket commands" },
      ),
    );
  },
};
