/**
 * The ticket backend over fetch: one `#request` owns the bearer token, the
 * timeout, Retry-After, status codes and response validation, so every
 * endpoint fails the same way and the token never reaches a message.
 */
import type { z } from "zod";
import { BackendError } from "../errors.ts";
import {
  type AddMessageRequest,
  type CreateTicketRequest,
  ErrorSchema,
  type Message,
  MessageSchema,
  type PresenceReport,
  type SyncPage,
  SyncPageSchema,
  type Ticket,
  type TicketPage,
  TicketPageSchema,
  TicketSchema,
  type TicketStatus,
} from "./schemas.ts";

const PREFIX = "/api/v1/xmpp";

/** How to reach the backend. */
export interface TicketClientOptions {
  /** API_BASE_URL, e.g. `https://tickets.example.com`. */
  baseUrl: string;
  /** API_TOKEN; sent as a bearer token, never printed. */
  token: string;
  /** Per-request limit in ms (default 5000). */
  timeoutMs?: number;
  /** The longest Retry-After we wait for before giving up on a 429/503 (default 10 000 ms). */
  maxRetryAfterMs?: number;
}

/** A failed call; `retryable` says whether trying again later can succeed. */
export class TicketApiError extends BackendError {
  readonly retryable: boolean;
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

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${path}: ${issue.message}`;
}

/** Client for docs/ticket-api.yaml. Requires net access to the backend. */
export class TicketClient {
  #options: Required<TicketClientOptions>;

  constructor(options: TicketClientOptions) {
    this.#options = { timeoutMs: 5000, maxRetryAfterMs: 10_000, ...options };
  }

  /** POST /tickets: creates a ticket; the same key never creates two. */
  createTicket(
    body: CreateTicketRequest,
    idempotencyKey: string,
  ): Promise<Ticket> {
    return this.#request("POST", "/tickets", {
      body,
      idempotencyKey,
      schema: TicketSchema,
    });
  }

  /** GET /tickets: one page, filtered by status and contact. */
  listTickets(
    filter: {
      status?: TicketStatus;
      contact?: string;
      cursor?: string;
      limit?: number;
    } = {},
  ) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const qs = query.size > 0 ? `?${query}` : "";
    return this.#request<TicketPage>("GET", `/tickets${qs}`, {
      schema: TicketPageSchema,
    });
  }

  /** GET /tickets/{id}: one ticket with its messages. */
  getTicket(id: string): Promise<Ticket> {
    return this.#request("GET", `/tickets/${encodeURIComponent(id)}`, {
      schema: TicketSchema,
      ticketId: id,
    });
  }

  /** POST /tickets/{id}/messages. */
  addMessage(
    id: string,
    body: AddMessageRequest,
    idempotencyKey: string,
  ): Promise<Message> {
    return this.#request(
      "POST",
      `/tickets/${encodeURIComponent(id)}/messages`,
      {
        body,
        idempotencyKey,
        schema: MessageSchema,
        ticketId: id,
      },
    );
  }

  /** GET /tickets/{id}/sync: events after `cursor`. */
  syncTicket(id: string, cursor?: string): Promise<SyncPage> {
    const qs = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    return this.#request(
      "GET",
      `/tickets/${encodeURIComponent(id)}/sync${qs}`,
      {
        schema: SyncPageSchema,
        ticketId: id,
      },
    );
  }

  /** POST /presence. */
  async reportPresence(
    body: PresenceReport,
    idempotencyKey: string,
  ): Promise<void> {
    await this.#request("POST", "/presence", { body, idempotencyKey });
  }

  async #request<T>(
    method: "GET" | "POST",
    path: string,
    options: {
      body?: unknown;
      idempotencyKey?: string;
      schema?: z.ZodType<T>;
      ticketId?: string;
    },
  ): Promise<T> {
    const endpoint = `${method} ${PREFIX}${path.split("?")[0]}`;
    let waited = 0;
    while (true) {
      const res = await this.#fetch(method, path, options, endpoint);
      if (res.ok) return await this.#parse(res, endpoint, options.schema);
      const retryAfter = retryAfterMs(res);
      if (
        (res.status === 429 || res.status === 503) && retryAfter !== undefined
      ) {
        if (waited + retryAfter <= this.#options.maxRetryAfterMs) {
          await res.body?.cancel();
          waited += retryAfter;
          await new Promise((resolve) => setTimeout(resolve, retryAfter));
          continue;
        }
      }
      throw await this.#failure(res, endpoint, options.ticketId, retryAfter);
    }
  }

  async #fetch(
    method: string,
    path: string,
    options: { body?: unknown; idempotencyKey?: string },
    endpoint: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#options.token}`,
      accept: "application/json",
    };
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
    }
    if (options.idempotencyKey) {
      headers["idempotency-key"] = options.idempotencyKey;
    }
    const url = new URL(
      `${PREFIX}${path}`,
      this.#options.baseUrl.replace(/\/?$/, "/"),
    );
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body === undefined
          ? undefined
          : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (err) {
      if (
        err instanceof DOMException &&
        (err.name === "TimeoutError" || err.name === "AbortError")
      ) {
        throw new TicketApiError(
          `Cannot reach the ticket backend: ${endpoint} did not answer within ${
            this.#options.timeoutMs / 1000
          } s`,
          {
            retryable: true,
            cause: err,
            hint:
              "Check API_BASE_URL and the backend; queued work is retried later",
          },
        );
      }
      throw new TicketApiError(
        `Cannot reach the ticket backend at "${url.origin}" for ${endpoint}`,
        {
          retryable: true,
          cause: err,
          hint: "Check API_BASE_URL and that the backend is running",
        },
      );
    }
  }

  async #parse<T>(
    res: Response,
    endpoint: string,
    schema?: z.ZodType<T>,
  ): Promise<T> {
    let data: unknown;
    try {
      data = res.status === 204 ? undefined : await res.json();
    } catch (err) {
      // The answer was cut off or is not JSON: the request may have been done.
      throw new TicketApiError(
        `Cannot read the answer to ${endpoint}: the body is not complete JSON`,
        {
          retryable: true,
          status: res.status,
          cause: err,
        },
      );
    }
    if (!schema) return data as T;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new TicketApiError(
        `Unexpected answer from ${endpoint}: ${describeIssues(parsed.error)}`,
        {
          retryable: false,
          status: res.status,
          cause: parsed.error,
          hint: "The backend does not follow docs/ticket-api.yaml",
        },
      );
    }
    return parsed.data;
  }

  async #failure(
    res: Response,
    endpoint: string,
    ticketId: string | undefined,
    retryAfter: number | undefined,
  ): Promise<TicketApiError> {
    const text = await res.text().catch(() => "");
    let body: z.infer<typeof ErrorSchema> | undefined;
    try {
      const parsed = ErrorSchema.safeParse(JSON.parse(text));
      if (parsed.success) body = parsed.data;
    } catch { /* not JSON */ }
    const said = body ? `: ${body.error.message}` : "";
    const status = res.status;
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
      const details = body?.error.details?.map((d) => `${d.field} ${d.message}`)
        .join("; ");
      return new TicketApiError(
        `The ticket backend refused ${endpoint}${said}${
          details ? ` (${details})` : ""
        }`,
        { retryable: false, status },
      );
    }
    if (status === 409) {
      return new TicketApiError(
        `The ticket backend refused ${endpoint}: idempotency key reused${said}`,
        {
          retryable: false,
          status,
        },
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
}
