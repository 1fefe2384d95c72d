/**
 * The ticket backend of docs/ticket-api.yaml, in memory, over real HTTP on
 * loopback. Every request is checked against the contract (bearer token,
 * Idempotency-Key on POST, bodies by the zod schemas) and can be told to
 * fail: 500, hang past the client's timeout, drop the connection after
 * committing, 429 with Retry-After, a malformed, endless or chosen body, or
 * a redirect (tests/_support/contract_failures.ts).
 */
import {
  AddMessageRequestSchema,
  type CreateTicketRequest,
  CreateTicketRequestSchema,
  type Message,
  type PresenceReport,
  PresenceReportSchema,
  type SyncEvent,
  type Ticket,
  type TicketStatus,
} from "../../src/tickets/mod.ts";

import {
  errorResponse as error,
  failAfter,
  failInstead,
  type Failure,
} from "./contract_failures.ts";

export type { Failure } from "./contract_failures.ts";

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
}

/** A running contract server; `await using` stops it. */
export interface ContractServer extends AsyncDisposable {
  url: string;
  token: string;
  /** Requests in arrival order. */
  requests: SeenRequest[];
  /** Tickets committed, in creation order. */
  tickets(): Ticket[];
  presence(): PresenceReport[];
  /** The next `count` requests (whose path contains `pathPart`, if given) fail this way. */
  fail(failure: Failure, count?: number, pathPart?: string): void;
  /** Stops failing. */
  heal(): void;
  /** An agent answers on a ticket, optionally changing its status. */
  agentReply(id: string, body: string, status?: TicketStatus): Message;
  /** Resolves when a request (path containing `pathPart`) arrives. */
  nextRequest(pathPart: string): Promise<SeenRequest>;
}

const PREFIX = "/api/v1/xmpp";

/** Starts the contract server on 127.0.0.1 with a random port and token. */
export function startContractServer(): ContractServer {
  const token = `test-token-${crypto.randomUUID()}`;
  const tickets = new Map<string, Ticket>();
  const events = new Map<string, SyncEvent[]>();
  const presence: PresenceReport[] = [];
  const idempotent = new Map<
    string,
    { body: string; status: number; response: unknown }
  >();
  const requests: SeenRequest[] = [];
  const failures: { failure: Failure; left: number; pathPart?: string }[] = [];
  const waiters: { pathPart: string; resolve: (r: SeenRequest) => void }[] = [];
  const hanging = new Set<() => void>();
  let messageSeq = 0;

  const now = () => new Date().toISOString();

  function takeFailure(path: string): Failure | undefined {
    const entry = failures.find((f) =>
      f.left > 0 && (!f.pathPart || path.includes(f.pathPart))
    );
    if (!entry) return undefined;
    entry.left--;
    return entry.failure;
  }

  /** Appends an event; its cursor is the position after it. */
  function addEvent(
    id: string,
    event: Omit<SyncEvent, "cursor"> & Record<string, unknown>,
  ) {
    const list = events.get(id)!;
    list.push({ ...event, cursor: String(list.length + 1) } as SyncEvent);
  }

  function createTicket(req: CreateTicketRequest): Ticket {
    const id = `T-${1000 + tickets.size + 1}`;
    const at = now();
    const message: Message = {
      id: `M-${++messageSeq}`,
      ticketId: id,
      author: { kind: "agent", jid: req.account, name: req.account },
      body: req.message.body,
      createdAt: req.message.sentAt,
    };
    const ticket: Ticket = {
      id,
      subject: req.subject ?? req.message.body.slice(0, 80),
      status: "open",
      priority: req.priority ?? "normal",
      contact: req.contact,
      account: req.account,
      createdAt: at,
      updatedAt: at,
      messages: [message],
      context: req.context,
    };
    tickets.set(id, ticket);
    events.set(id, []);
    return ticket;
  }

  function summary(t: Ticket) {
    const { messages, context: _context, ...rest } = t;
    return { ...rest, messageCount: messages.length };
  }

  async function route(req: Request, url: URL): Promise<Response> {
    const path = url.pathname;
    const method = req.method;
    if (method === "POST" && path === `${PREFIX}/tickets`) {
      return await mutate(
        req,
        CreateTicketRequestSchema,
        (body) => ({ status: 201, response: createTicket(body) }),
      );
    }
    if (method === "GET" && path === `${PREFIX}/tickets`) {
      const status = url.searchParams.get("status");
      const contact = url.searchParams.get("contact");
      const limit = Number(url.searchParams.get("limit") ?? 25);
      const offset = Number(url.searchParams.get("cursor") ?? 0);
      const all = [...tickets.values()]
        .filter((t) =>
          (!status || t.status === status) &&
          (!contact || t.contact === contact)
        )
        .sort((a, b) =>
          b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id)
        );
      const items = all.slice(offset, offset + limit).map(summary);
      const next = offset + limit < all.length ? String(offset + limit) : null;
      return Response.json({ items, nextCursor: next });
    }
    const match = /^\/api\/v1\/xmpp\/tickets\/([^/]+)(\/messages|\/sync)?$/
      .exec(path);
    if (match) {
      const id = decodeURIComponent(match[1]!);
      const ticket = tickets.get(id);
      if (!ticket) {
        return error(404, "not_found", `Ticket ${id} does not exist`);
      }
      if (method === "GET" && !match[2]) return Response.json(ticket);
      if (method === "GET" && match[2] === "/sync") {
        const all = events.get(id)!;
        const from = Number(url.searchParams.get("cursor") ?? 0);
        return Response.json({
          ticketId: id,
          status: ticket.status,
          events: all.slice(from),
          nextCursor: String(all.length),
        });
      }
      if (method === "POST" && match[2] === "/messages") {
        return await mutate(req, AddMessageRequestSchema, (body) => {
          const message: Message = {
            id: `M-${++messageSeq}`,
            ticketId: id,
            author: body.author,
            body: body.body,
            createdAt: body.sentAt ?? now(),
          };
          ticket.messages.push(message);
          ticket.updatedAt = now();
          addEvent(id, { type: "message", message });
          return { status: 201, response: message };
        });
      }
    }
    if (method === "POST" && path === `${PREFIX}/presence`) {
      return await mutate(req, PresenceReportSchema, (body) => {
        presence.push(body);
        return { status: 204, response: null };
      });
    }
    return error(404, "not_found", `No route for ${method} ${path}`);
  }

  async function mutate<T>(
    req: Request,
    schema: {
      safeParse(
        data: unknown,
      ): { success: true; data: T } | {
        success: false;
        error: { issues: { path: PropertyKey[]; message: string }[] };
      };
    },
    apply: (body: T) => { status: number; response: unknown },
  ): Promise<Response> {
    const key = req.headers.get("idempotency-key");
    if (!key || key.length < 8 || key.length > 128) {
      return error(
        400,
        "bad_request",
        "Idempotency-Key header is required (8 to 128 characters)",
      );
    }
    const text = await req.text();
    const previous = idempotent.get(key);
    if (previous) {
      if (previous.body !== text) {
        return error(
          409,
          "idempotency_conflict",
          "Key reused with a different body",
        );
      }
      return previous.status === 204
        ? new Response(null, { status: 204 })
        : Response.json(previous.response, { status: previous.status });
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return error(400, "bad_request", "Body is not JSON");
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      return error(422, "validation_failed", "The request has invalid fields", {
        details: parsed.error.issues.map((i) => ({
          field: i.path.join("."),
          message: i.message,
        })),
      });
    }
    const result = apply(parsed.data);
    idempotent.set(key, { body: text, ...result });
    return result.status === 204
      ? new Response(null, { status: 204 })
      : Response.json(result.response, { status: result.status });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const seen = {
        method: req.method,
        path: url.pathname + url.search,
        idempotencyKey: req.headers.get("idempotency-key"),
      };
      requests.push(seen);
      for (const w of [...waiters]) {
        if (seen.path.includes(w.pathPart)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(seen);
        }
      }
      if (req.headers.get("authorization") !== `Bearer ${token}`) {
        return error(401, "unauthorized", "Invalid bearer token");
      }
      const failure = takeFailure(url.pathname);
      const instead = await failInstead(failure, hanging);
      if (instead) return instead;
      return await failAfter(failure, await route(req, url), url);
    },
  );

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    token,
    requests,
    tickets: () => [...tickets.values()],
    presence: () => [...presence],
    fail(failure, count = 1, pathPart) {
      failures.push({ failure, left: count, pathPart });
    },
    heal() {
      failures.length = 0;
    },
    agentReply(id, body, status) {
      const ticket = tickets.get(id)!;
      const message: Message = {
        id: `M-${++messageSeq}`,
        ticketId: id,
        author: { kind: "agent", name: "Dana (IT)" },
        body,
        createdAt: now(),
      };
      ticket.messages.push(message);
      addEvent(id, { type: "message", message });
      if (status) {
        ticket.status = status;
        addEvent(id, { type: "status", status, changedAt: now() });
      }
      ticket.updatedAt = now();
      return message;
    },
    nextRequest(pathPart) {
      return new Promise((resolve) => waiters.push({ pathPart, resolve }));
    },
    async [Symbol.asyncDispose]() {
      for (const done of [...hanging]) done();
      await server.shutdown();
    },
  };
}

/** A temp profile copied from the Finch fixture, so ticket context comes from real Pidgin logs. */
export async function ticketProfile(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pidgin-profile-" });
  const fixture = new URL("../fixtures/purple", import.meta.url).pathname;
  await new Deno.Command("cp", { args: ["-a", `${fixture}/.`, dir] }).output();
  return dir;
}

/** The environment of a ticket command run as alice@localhost against `server`. */
export function ticketEnv(
  server: ContractServer,
  purple: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
    API_TIMEOUT: "1",
    XMPP_JID: "alice@localhost",
    PURPLE_HOME: purple,
    ...extra,
  };
}
