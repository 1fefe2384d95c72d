/**
 * The outbox: creates and replies that have not reached the backend yet.
 * Each item is checked against the contract and stored before its first
 * attempt, and removed only after the backend answered; it carries one
 * Idempotency-Key for all its attempts, so a ticket is created exactly once
 * even when an answer is lost or the process is killed at any point.
 *
 * Each attempt holds the item's lock and re-reads it first, so two flushes
 * (in one process or two) never send one item at once nor bring back an
 * item the other delivered. A record that cannot be used (not JSON, or not
 * a valid item) is moved to `rejected/` and reported once, and never blocks
 * the others. Storage is passed in (the profile store's `openJsonDir`).
 */
import type { z } from "zod";
import {
  newItem,
  type OutboxItem,
  OutboxItemSchema,
  type OutboxRequest,
  problemWith,
  RECORD_NAME,
} from "./_outbox_item.ts";
import { TicketApiError, type TicketClient } from "./client.ts";
import type {
  AddMessageRequestSchema,
  CreateTicketRequestSchema,
  Message,
  Ticket,
} from "./schemas.ts";

export {
  type OutboxItem,
  OutboxItemSchema,
  type OutboxRequest,
} from "./_outbox_item.ts";

/**
 * Where items live: one record per item, listed in the order they were
 * queued (the profile store's `JsonDir` is one). `list` and `get` give a
 * record that cannot be read as JSON as an `Error`.
 */
export interface OutboxStorage {
  list(): Promise<[string, unknown][]>;
  get(name: string): Promise<unknown>;
  put(name: string, data: unknown): Promise<void>;
  remove(name: string): Promise<unknown>;
  lock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  reject(name: string): Promise<{ path: string; name: string } | undefined>;
  listRejected(): Promise<[string, unknown][]>;
  rejectedPath(name: string): string;
  removeRejected(name: string): Promise<boolean>;
}

/** A record moved to `rejected/`: its id there, where it is, and why it cannot be used. */
export interface RejectedItem {
  id: string;
  state: "rejected";
  file: string;
  reason: string;
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
  /** Delivered items whose `onDelivered` failed (the item is removed all the same). */
  warnings: Error[];
}

/** Delay before attempt `n + 1`: 2 s, 4 s, 8 s … up to 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 1000 * 2 ** Math.max(1, attempts));
}

/** The outbox over a storage. */
export class Outbox {
  #storage: OutboxStorage;
  #onRejected?: (item: RejectedItem, from: string) => void;
  #seq = 0;

  /** `onRejected` is told once for each record moved to `rejected/` (`from`: its old id). */
  constructor(
    storage: OutboxStorage,
    options: { onRejected?: (item: RejectedItem, from: string) => void } = {},
  ) {
    this.#storage = storage;
    this.#onRejected = options.onRejected;
  }

  /** Queues a ticket creation; stored before anything is sent. */
  async queueCreate(
    request: z.infer<typeof CreateTicketRequestSchema>,
    now = new Date(),
  ): Promise<OutboxItem> {
    const item = newItem({ kind: "createTicket", request }, now, this.#seq++);
    await this.#storage.put(item.id, item);
    return item;
  }

  /** Queues a message to a ticket; stored before anything is sent. */
  async queueMessage(
    ticketId: string,
    request: z.infer<typeof AddMessageRequestSchema>,
    now = new Date(),
  ): Promise<OutboxItem> {
    const item = newItem(
      { kind: "addMessage", ticketId, request },
      now,
      this.#seq++,
    );
    await this.#storage.put(item.id, item);
    return item;
  }

  /**
   * Queues `entry` and makes its first attempt at once, holding its lock
   * from before it is stored, so no other flush can send it meanwhile. The
   * report holds exactly this item.
   */
  async submit(
    client: TicketClient,
    entry: OutboxRequest,
    options: { now?: Date; onDelivered?: (d: Delivery) => Promise<void> } = {},
  ): Promise<FlushReport & { item: OutboxItem }> {
    const now = options.now ?? new Date();
    const item = newItem(entry, now, this.#seq++);
    const report: FlushReport = emptyReport();
    await this.#storage.lock(item.id, async () => {
      await this.#storage.put(item.id, item);
      await this.#attempt(client, item, now, options.onDelivered, report);
    });
    return { ...report, item };
  }

  /** Every usable item, oldest first; unusable records are moved to `rejected/` (and reported once). */
  async list(): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    for (const [name, data] of await this.#storage.list()) {
      if (problemWith(name, data) === undefined) {
        items.push(OutboxItemSchema.parse(data));
      } else {
        await this.#reject(name);
      }
    }
    return items;
  }

  async #reject(name: string): Promise<void> {
    await this.#storage.lock(name, async () => {
      // Read again under the lock: only a record that is still unusable moves.
      const reason = problemWith(name, await this.#storage.get(name));
      if (reason === undefined) return;
      const moved = await this.#storage.reject(name);
      if (moved) {
        this.#onRejected?.(
          { id: moved.name, state: "rejected", file: moved.path, reason },
          name,
        );
      }
    });
  }

  /** The records in `rejected/`, with why each cannot be used. */
  async rejected(): Promise<RejectedItem[]> {
    return (await this.#storage.listRejected()).map(([id, data]) => ({
      id,
      state: "rejected",
      file: this.#storage.rejectedPath(id),
      reason: problemWith(id, data) ?? "moved aside by hand",
    }));
  }

  /** Removes an item whatever its state, rejected ones too; resolves to whether there was one. */
  async discard(id: string): Promise<boolean> {
    if (!RECORD_NAME.test(id)) return false;
    const removed = await this.#storage.lock(
      id,
      async () => Boolean(await this.#storage.remove(id)),
    );
    return removed || await this.#storage.removeRejected(id);
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
    const report = emptyReport();
    for (const listed of await this.list()) {
      if (options.only && !options.only.includes(listed.id)) continue;
      await this.#storage.lock(listed.id, async () => {
        // Another flush may have sent or updated it since it was listed.
        const current = await this.#storage.get(listed.id);
        if (problemWith(listed.id, current) !== undefined) return;
        const parsed = OutboxItemSchema.safeParse(current);
        if (!parsed.success || parsed.data.state !== "pending") return;
        const item = parsed.data;
        if (!options.force && Date.parse(item.nextAttemptAt) > now.getTime()) {
          return;
        }
        await this.#attempt(client, item, now, options.onDelivered, report);
      });
    }
    return report;
  }

  /** One attempt at `item`; the caller holds its lock. */
  async #attempt(
    client: TicketClient,
    item: OutboxItem,
    now: Date,
    onDelivered: ((d: Delivery) => Promise<void>) | undefined,
    report: FlushReport,
  ): Promise<void> {
    let delivery: Delivery;
    try {
      delivery = item.kind === "createTicket"
        ? {
          item,
          ticket: await client.createTicket(item.request, item.idempotencyKey),
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
      const lastError = err.message.slice(0, 2000);
      const updated: OutboxItem = err.retryable
        ? {
          ...item,
          attempts,
          lastError,
          nextAttemptAt: new Date(now.getTime() + backoffMs(attempts))
            .toISOString(),
        }
        : { ...item, attempts, lastError, state: "failed" };
      await this.#storage.put(item.id, updated);
      (err.retryable ? report.deferred : report.failed).push({
        item: updated,
        error: err,
      });
      return;
    }
    try {
      await onDelivered?.(delivery);
    } catch (err) {
      // The backend has it: keeping the item would only send it again.
      report.warnings.push(err instanceof Error ? err : new Error(String(err)));
    }
    await this.#storage.remove(item.id);
    report.delivered.push(delivery);
  }
}

function emptyReport(): FlushReport {
  return { delivered: [], deferred: [], failed: [], warnings: [] };
}
