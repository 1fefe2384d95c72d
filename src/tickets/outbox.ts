/**
 * The outbox: creates and replies that have not reached the backend yet.
 * Each item is stored before its first attempt and removed only after the
 * backend answered, and it carries one Idempotency-Key for all its attempts,
 * so a ticket is created exactly once even when an answer is lost or the
 * process is killed at any point. Storage is passed in (the profile store).
 */
import { z } from "zod";
import { StoreError } from "../errors.ts";
import { TicketApiError, type TicketClient } from "./client.ts";
import {
  AddMessageRequestSchema,
  CreateTicketRequestSchema,
  type Message,
  type Ticket,
  TicketIdSchema,
} from "./schemas.ts";

const Common = {
  id: z.string(),
  idempotencyKey: z.string().min(8),
  createdAt: z.iso.datetime(),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.iso.datetime(),
  state: z.enum(["pending", "failed"]),
  lastError: z.string().nullable(),
};

/** One queued request, as stored. */
export const OutboxItemSchema = z.discriminatedUnion("kind", [
  z.object({
    ...Common,
    kind: z.literal("createTicket"),
    request: CreateTicketRequestSchema,
  }),
  z.object({
    ...Common,
    kind: z.literal("addMessage"),
    ticketId: TicketIdSchema,
    request: AddMessageRequestSchema,
  }),
]);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** Where items live: one record per item, listed in the order they were queued. */
export interface OutboxStorage {
  list(): Promise<[string, unknown][]>;
  put(name: string, data: unknown): Promise<void>;
  remove(name: string): Promise<unknown>;
}

/** What the backend answered for a delivered item. */
export type Delivery =
  | { item: OutboxItem & { kind: "createTicket" }; ticket: Ticket }
  | { item: OutboxItem & { kind: "addMessage" }; message: Message };

/** The outcome of one flush. */
export interface FlushReport {
  delivered: Delivery[];
  /** Items still waiting, with the error of this attempt. */
  deferred: { item: OutboxItem; error: TicketApiError }[];
  /** Items that can never succeed as they are (kept, shown by `ticket outbox`). */
  failed: { item: OutboxItem; error: TicketApiError }[];
}

/** Delay before attempt `n + 1`: 2 s, 4 s, 8 s … up to 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 1000 * 2 ** Math.max(1, attempts));
}

/** Record names sort in queue order: time, then a per-outbox sequence for the same millisecond. */
function newItemBase(now: Date, seq: number) {
  const time = now.getTime().toString().padStart(15, "0");
  const id = `${time}-${String(seq).padStart(6, "0")}-${
    crypto.randomUUID().slice(0, 8)
  }`;
  return {
    id,
    idempotencyKey: crypto.randomUUID(),
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    state: "pending" as const,
    lastError: null,
  };
}

/** The outbox over a storage. */
export class Outbox {
  #storage: OutboxStorage;
  #seq = 0;

  constructor(storage: OutboxStorage) {
    this.#storage = storage;
  }

  /** Queues a ticket creation; stored before anything is sent. */
  async queueCreate(
    request: z.infer<typeof CreateTicketRequestSchema>,
    now = new Date(),
  ): Promise<OutboxItem> {
    const item: OutboxItem = {
      ...newItemBase(now, this.#seq++),
      kind: "createTicket",
      request,
    };
    await this.#storage.put(item.id, item);
    return item;
  }

  /** Queues a message to a ticket; stored before anything is sent. */
  async queueMessage(
    ticketId: string,
    request: z.infer<typeof AddMessageRequestSchema>,
    now = new Date(),
  ): Promise<OutboxItem> {
    const item: OutboxItem = {
      ...newItemBase(now, this.#seq++),
      kind: "addMessage",
      ticketId,
      request,
    };
    await this.#storage.put(item.id, item);
    return item;
  }

  /** Every stored item, oldest first; unreadable records are reported, not dropped. */
  async list(): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    for (const [name, data] of await this.#storage.list()) {
      const parsed = OutboxItemSchema.safeParse(data);
      if (!parsed.success) {
        throw new StoreError(
          `Cannot read the ticket outbox: record "${name}" is not a valid item`,
          {
            cause: parsed.error,
            hint:
              "Move that file out of the outbox folder; the other items are kept",
          },
        );
      }
      items.push(parsed.data);
    }
    return items;
  }

  /** Removes an item whatever its state (`ticket outbox --discard`). */
  async discard(id: string): Promise<void> {
    await this.#storage.remove(id);
  }

  /**
   * Sends pending items in order: those due, or all with `force`. Delivered
   * items are reported to `onDelivered` (which must be idempotent: after a
   * kill it can run twice), then removed.
   */
  async flush(
    client: TicketClient,
    options: {
      force?: boolean;
      now?: Date;
      onDelivered?: (d: Delivery) => Promise<void>;
      only?: string[];
    } = {},
  ): Promise<FlushReport> {
    const now = options.now ?? new Date();
    const report: FlushReport = { delivered: [], deferred: [], failed: [] };
    for (const item of await this.list()) {
      if (item.state !== "pending") continue;
      if (options.only && !options.only.includes(item.id)) continue;
      if (!options.force && Date.parse(item.nextAttemptAt) > now.getTime()) {
        continue;
      }
      let delivery: Delivery;
      try {
        delivery = item.kind === "createTicket"
          ? {
            item,
            ticket: await client.createTicket(
              item.request,
              item.idempotencyKey,
            ),
          }
          : {
            item,
            message: await client.addMessage(
              item.ticketId,
              item.request,
              item.idempotencyKey,
            ),
          };
      } catch (err) {
        if (!(err instanceof TicketApiError)) throw err;
        const attempts = item.attempts + 1;
        const updated: OutboxItem = err.retryable
          ? {
            ...item,
            attempts,
            lastError: err.message,
            nextAttemptAt: new Date(now.getTime() + backoffMs(attempts))
              .toISOString(),
          }
          : { ...item, attempts, lastError: err.message, state: "failed" };
        await this.#storage.put(item.id, updated);
        (err.retryable ? report.deferred : report.failed).push({
          item: updated,
          error: err,
        });
        continue;
      }
      await options.onDelivered?.(delivery);
      await this.#storage.remove(item.id);
      report.delivered.push(delivery);
    }
    return report;
  }
}
