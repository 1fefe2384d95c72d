/** Ticket ids typed by the user or passed to the client, checked before they reach a URL or a file. */
import { UsageError } from "../errors.ts";
import { oneLine } from "./_http.ts";
import { TicketIdSchema } from "./schemas.ts";

/**
 * Returns `id` when it is a ticket id of the contract (1 to 64 letters,
 * digits, `.`, `_` or `-`, not starting with a dot), else throws a
 * UsageError (exit 2) quoting it shortened to one line.
 *
 * @example
 * ```ts
 * parseTicketId("T-1042"); // "T-1042"
 * parseTicketId(".."); // throws UsageError
 * ```
 */
export function parseTicketId(id: string, what = "ticket id"): string {
  if (TicketIdSchema.safeParse(id).success) return id;
  throw new UsageError(
    `Invalid ${what} "${
      oneLine(id, 80)
    }": expected 1 to 64 letters, digits, ".", "_" or "-", not starting with "."`,
    { hint: "Run pidgin ticket list to see ticket ids" },
  );
}
