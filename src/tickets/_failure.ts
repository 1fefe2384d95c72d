/**
 * What a non-2xx answer means for the user: one short line per status, the
 * backend's own words quoted on one line and bounded (they are untrusted),
 * and whether trying again later can succeed.
 */
import { z } from "zod";
import { BackendError } from "../errors.ts";
import { oneLine } from "./_http.ts";

/** A failed call; `retryable` says whether trying again later can succeed. */
export class TicketApiError extends BackendError {
  readonly retryable: boolean;
  /** The HTTP status, when the backend answered. A 2xx here means it did the request but its answer was unusable. */
  readonly status?: number;
  constructor(
    message: string,
    options: {
      retryable: boolean;
      status?: number;
      hint?: string;
      cause?: unknown;
    },
  ) {
    super(message, { hint: options.hint, cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/** The contract's Error body, read leniently: the texts are cut to size here, not refused. */
const ErrorBody = z.object({
  error: z.object({
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() }))
      .optional(),
  }),
});

const MAX_DETAILS = 5;

function quoted(text: string): { said: string; details: string } {
  let body: z.infer<typeof ErrorBody> | undefined;
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) body = parsed.data;
  } catch { /* not JSON, or cut at the size limit */ }
  if (!body) return { said: "", details: "" };
  const message = oneLine(body.error.message);
  const all = body.error.details ?? [];
  const shown = all.slice(0, MAX_DETAILS).map((d) =>
    oneLine(`${d.field} ${d.message}`, 100)
  );
  if (all.length > MAX_DETAILS) {
    shown.push(`and ${all.length - MAX_DETAILS} more`);
  }
  return {
    said: message ? `: ${message}` : "",
    details: shown.length > 0 ? ` (${shown.join("; ")})` : "",
  };
}

/** The error for a non-2xx answer whose (capped) body is `text`. */
export function failureFor(
  status: number,
  text: string,
  request: { endpoint: string; ticketId?: string; retryAfter?: number },
): TicketApiError {
  const { endpoint, ticketId, retryAfter } = request;
  const { said, details } = quoted(text);
  if (status === 401 || status === 403) {
    return new TicketApiError(
      `API token rejected by the ticket backend (${status})${said}`,
      {
        retryable: false,
        status,
        hint: status === 401
          ? "Check API_TOKEN: it is missing, mistyped or expired"
          : "Check that API_TOKEN may use the XMPP ticket endpoints",
      },
    );
  }
  if (status === 404) {
    return new TicketApiError(
      ticketId
        ? `Ticket "${ticketId}" not found`
        : `${endpoint} not found (404)`,
      {
        retryable: false,
        status,
        hint: ticketId
          ? "Run pidgin ticket list to see ticket ids"
          : "Check API_BASE_URL",
      },
    );
  }
  if (status === 422 || status === 400) {
    return new TicketApiError(
      `The ticket backend refused ${endpoint}${said}${details}`,
      { retryable: false, status },
    );
  }
  if (status === 409) {
    return new TicketApiError(
      `The ticket backend refused ${endpoint}: idempotency key reused${said}`,
      { retryable: false, status },
    );
  }
  const wait = retryAfter !== undefined
    ? `; it asks to retry in ${Math.ceil(retryAfter / 1000)} s`
    : "";
  return new TicketApiError(
    `The ticket backend failed ${endpoint} with ${status}${said}${wait}`,
    {
      retryable: status >= 500 || status === 429,
      status,
      hint: "Queued work is retried by pidgin ticket flush or the next run",
    },
  );
}
