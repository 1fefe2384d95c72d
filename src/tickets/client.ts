/**
 * The ticket backend over fetch: one `#request` owns the bearer token, the
 * timeout, Retry-After, status codes, the size of what is read and response
 * validation, so every endpoint fails the same way and the token never
 * reaches a message. Ticket ids are checked before they reach a URL, and an
 * answer about another ticket than the one asked for breaks the contract.
 */
import type { z } from "zod";
import { failureFor, TicketApiError } from "./_failure.ts";
import {
  checkBaseUrl,
  checkToken,
  MAX_ERROR_BODY_BYTES,
  MAX_RESPONSE_BYTES,
  readCapped,
  retryAfterMs,
} from "./_http.ts";
import { CONTRACT_HINT, parseAnswer, transportFailure } from "./_answer.ts";
import {
  type AddMessageRequest,
  type CreateTicketRequest,
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
import { parseTicketId } from "./ticket_id.ts";

export { TicketApiError } from "./_failure.ts";
export { MAX_RESPONSE_BYTES } from "./_http.ts";

const PREFIX = "/api/v1/xmpp";
/** How many times a 429/503 with Retry-After is waited for and retried. */
const MAX_RETRIES = 3;

/** How to reach the backend. */
export interface TicketClientOptions {
  /** API_BASE_URL: `https://…`, or `http://` only to 127.0.0.1, ::1 or localhost. */
  baseUrl: string;
  /** API_TOKEN; sent as a bearer token, never printed. */
  token: string;
  /** Per-request limit in ms, reading the answer included (default 5000). */
  timeoutMs?: number;
  /** The longest Retry-After we wait for before giving up on a 429/503 (default 10 000 ms). */
  maxRetryAfterMs?: number;
  /** The most bytes of an answer read (default {@linkcode MAX_RESPONSE_BYTES}, 8 MiB). */
  maxResponseBytes?: number;
}

interface RequestOptions<T> {
  body?: unknown;
  idempotencyKey?: string;
  schema?: z.ZodType<T>;
  ticketId?: string;
}

/**
 * Client for docs/ticket-api.yaml. Requires net access to the backend.
 * The constructor throws a ConfigError for a base URL that would send the
 * token in clear text (`http://` to anything but loopback) or a token that
 * cannot be sent as a header.
 */
export class TicketClient {
  #options: Required<TicketClientOptions>;
  #base: URL;

  constructor(options: TicketClientOptions) {
    this.#base = checkBaseUrl(options.baseUrl);
    checkToken(options.token);
    this.#options = {
      timeoutMs: 5000,
      maxRetryAfterMs: 10_000,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      ...options,
    };
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

  /** GET /tickets: one page, filtered by status and contact (see `listAllTickets` for every page). */
  listTickets(
    filter: {
      status?: TicketStatus;
      contact?: string;
      cursor?: string;
      limit?: number;
    } = {},
  ): Promise<TicketPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const qs = query.size > 0 ? `?${query}` : "";
    return this.#request<TicketPage>("GET", `/tickets${qs}`, {
      schema: TicketPageSchema,
    });
  }

  /** GET /tickets/{id}: one ticket with its messages. Throws a UsageError for an invalid id. */
  async getTicket(id: string): Promise<Ticket> {
    const path = `/tickets/${segment(id)}`;
    const ticket = await this.#request("GET", path, {
      schema: TicketSchema,
      ticketId: id,
    });
    return sameTicket(`GET ${path}`, id, ticket.id, ticket);
  }

  /** POST /tickets/{id}/messages. Throws a UsageError for an invalid id. */
  async addMessage(
    id: string,
    body: AddMessageRequest,
    idempotencyKey: string,
  ): Promise<Message> {
    const path = `/tickets/${segment(id)}/messages`;
    const message = await this.#request("POST", path, {
      body,
      idempotencyKey,
      schema: MessageSchema,
      ticketId: id,
    });
    return sameTicket(`POST ${path}`, id, message.ticketId, message, 201);
  }

  /** GET /tickets/{id}/sync: events after `cursor` (see `syncTicketPages` for all of them). */
  async syncTicket(id: string, cursor?: string): Promise<SyncPage> {
    const path = `/tickets/${segment(id)}/sync`;
    const qs = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    const page = await this.#request("GET", `${path}${qs}`, {
      schema: SyncPageSchema,
      ticketId: id,
    });
    sameTicket(`GET ${path}`, id, page.ticketId, page);
    for (const event of page.events) {
      if (event.type === "message") {
        sameTicket(`GET ${path}`, id, event.message.ticketId, event);
      }
    }
    return page;
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
    options: RequestOptions<T>,
  ): Promise<T> {
    const endpoint = `${method} ${PREFIX}${path.split("?")[0]}`;
    let waited = 0;
    for (let attempt = 0;; attempt++) {
      const signal = AbortSignal.timeout(this.#options.timeoutMs);
      const res = await this.#fetch(method, path, options, endpoint, signal);
      try {
        if (res.ok) {
          return await parseAnswer(res, endpoint, {
            schema: options.schema,
            maxBytes: this.#options.maxResponseBytes,
          });
        }
        if (res.status >= 300 && res.status < 400) {
          throw new TicketApiError(
            `The ticket backend answered ${endpoint} with a redirect (${res.status}); pidgin does not follow redirects`,
            {
              retryable: false,
              status: res.status,
              hint: "Set API_BASE_URL to the backend's own https:// address",
            },
          );
        }
        const retryAfter = retryAfterMs(res);
        if (
          (res.status === 429 || res.status === 503) &&
          retryAfter !== undefined && attempt < MAX_RETRIES &&
          waited + retryAfter <= this.#options.maxRetryAfterMs
        ) {
          await res.body?.cancel();
          waited += retryAfter;
          await new Promise((resolve) => setTimeout(resolve, retryAfter));
          continue;
        }
        const text = await readCapped(res, MAX_ERROR_BODY_BYTES);
        throw failureFor(res.status, new TextDecoder().decode(text), {
          endpoint,
          ticketId: options.ticketId,
          retryAfter,
        });
      } catch (err) {
        throw transportFailure(err, endpoint, {
          status: res.status,
          timeoutMs: this.#options.timeoutMs,
        });
      } finally {
        await res.body?.cancel().catch(() => {});
      }
    }
  }

  async #fetch(
    method: string,
    path: string,
    options: { body?: unknown; idempotencyKey?: string },
    endpoint: string,
    signal: AbortSignal,
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
    // Relative to the base, so a base path (https://host/tickets/) is kept.
    const url = new URL(
      `.${PREFIX}${path}`,
      this.#base.href.replace(/\/?$/, "/"),
    );
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body === undefined
          ? undefined
          : JSON.stringify(options.body),
        redirect: "manual",
        signal,
      });
    } catch (err) {
      throw transportFailure(err, endpoint, {
        origin: url.origin,
        timeoutMs: this.#options.timeoutMs,
      });
    }
  }
}

/** A checked, encoded path segment for a ticket id. */
function segment(id: string): string {
  return encodeURIComponent(parseTicketId(id));
}

/** `value` when the backend answered about the ticket asked for; else a contract violation. */
function sameTicket<T>(
  request: string,
  asked: string,
  got: string,
  value: T,
  status = 200,
): T {
  if (got === asked) return value;
  const [method, path] = request.split(" ");
  throw new TicketApiError(
    `Unexpected answer from ${method} ${PREFIX}${path}: it answered for ticket "${got}" instead of "${asked}"`,
    { retryable: false, status, hint: CONTRACT_HINT },
  );
}
