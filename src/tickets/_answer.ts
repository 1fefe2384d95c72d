/**
 * Reading an answer into data the contract allows, and naming what went
 * wrong on the way: the size limit, a cut connection, the timeout, a body
 * that is not JSON or breaks the schema.
 */
import type { z } from "zod";
import { TicketApiError } from "./_failure.ts";
import { describeIssues, formatBytes, readCapped } from "./_http.ts";

/** The hint of every answer that breaks docs/ticket-api.yaml. */
export const CONTRACT_HINT = "The backend does not follow docs/ticket-api.yaml";

/**
 * The body of a 2xx answer, at most `maxBytes`, parsed and checked by
 * `schema` (any JSON without one; `undefined` for a 204).
 */
export async function parseAnswer<T>(
  res: Response,
  endpoint: string,
  options: { schema?: z.ZodType<T>; maxBytes: number },
): Promise<T> {
  const bytes = res.status === 204
    ? undefined
    : await readCapped(res, options.maxBytes);
  if (res.status !== 204 && bytes === undefined) {
    throw new TicketApiError(
      `Cannot read the answer to ${endpoint}: it is larger than ${
        formatBytes(options.maxBytes)
      }`,
      { retryable: false, status: res.status, hint: CONTRACT_HINT },
    );
  }
  let data: unknown;
  try {
    data = bytes === undefined
      ? undefined
      : JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    // Cut off or not JSON: the request may have been done; the same key gives the same answer.
    throw new TicketApiError(
      `Cannot read the answer to ${endpoint}: the body is not complete JSON`,
      { retryable: true, status: res.status, cause: err },
    );
  }
  if (!options.schema) return data as T;
  const parsed = options.schema.safeParse(data);
  if (!parsed.success) {
    throw new TicketApiError(
      `Unexpected answer from ${endpoint}: ${describeIssues(parsed.error)}`,
      {
        retryable: false,
        status: res.status,
        cause: parsed.error,
        hint: CONTRACT_HINT,
      },
    );
  }
  return parsed.data;
}

/**
 * What fetching (no `status`) or reading an answer (`status`) threw, as a
 * retryable TicketApiError; TicketApiErrors pass through.
 */
export function transportFailure(
  err: unknown,
  endpoint: string,
  context: { status?: number; origin?: string; timeoutMs: number },
): unknown {
  if (err instanceof TicketApiError) return err;
  if (
    err instanceof DOMException &&
    (err.name === "TimeoutError" || err.name === "AbortError")
  ) {
    return new TicketApiError(
      `Cannot reach the ticket backend: ${endpoint} did not answer within ${
        context.timeoutMs / 1000
      } s`,
      {
        retryable: true,
        cause: err,
        hint:
          "Check API_BASE_URL and the backend; queued work is retried later",
      },
    );
  }
  if (context.status !== undefined) {
    // The answer was cut off: the request may have been done.
    return new TicketApiError(
      `Cannot read the answer to ${endpoint}: the connection was cut`,
      { retryable: true, status: context.status, cause: err },
    );
  }
  return new TicketApiError(
    `Cannot reach the ticket backend at "${context.origin}" for ${endpoint}`,
    {
      retryable: true,
      cause: err,
      hint: "Check API_BASE_URL and that the backend is running",
    },
  );
}
