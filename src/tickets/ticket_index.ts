/**
 * Which ticket belongs to which chat, kept in the profile so a ticket's
 * contact and a contact's tickets can be looked up offline, with each
 * ticket's sync cursor. Storage is passed in (the profile store).
 *
 * Every change is a read-modify-write through the storage's `update` (the
 * file lock: other calls in this process and other processes wait), so
 * overlapping syncs, flushes and lists lose nothing. Ticket ids are keys of
 * a `Map` and of a prototype-less object on disk: `__proto__` and
 * `toString` are ids like any other.
 */
import { z } from "zod";
import { StoreError } from "../errors.ts";
import {
  CursorSchema,
  JidSchema,
  type Ticket,
  TicketIdSchema,
  TicketStatusSchema,
  TicketSubjectSchema,
  type TicketSummary,
} from "./schemas.ts";

const EntrySchema = z.object({
  contact: JidSchema,
  account: JidSchema,
  subject: TicketSubjectSchema,
  status: TicketStatusSchema,
  updatedAt: z.iso.datetime({ offset: true }),
  /** Where `ticket sync` continues. */
  cursor: CursorSchema.optional(),
});
type Entry = z.infer<typeof EntrySchema>;

/** The file: `{ version: 1, tickets: { <id>: entry } }`, `tickets` without a prototype. */
export interface TicketIndexData {
  version: 1;
  tickets: Record<string, Entry>;
}
export type IndexedTicket = Entry & { id: string };

/** Reads and replaces the whole index (one small JSON file). */
export interface TicketIndexStorage {
  read(): Promise<unknown>;
  write(data: TicketIndexData): Promise<void>;
  /**
   * Locked read-modify-write (the profile store's `JsonFile.update`). Without
   * it, changes are serialised within this process only.
   */
  update?<T>(
    fn: (data: unknown) => Promise<{ data: unknown; result: T } | undefined>,
  ): Promise<T | undefined>;
}

function describe(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return `${path || "index"}: ${issue.message}`.slice(0, 300);
}

type Parsed = { tickets: Map<string, Entry> } | { problem: string };

function parseIndex(data: unknown): Parsed {
  if (data === undefined) return { tickets: new Map() };
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { problem: "expected an object" };
  }
  const { version, tickets } = data as Record<string, unknown>;
  if (version !== 1) return { problem: "version: expected 1" };
  if (
    typeof tickets !== "object" || tickets === null || Array.isArray(tickets)
  ) {
    return { problem: "tickets: expected an object" };
  }
  const map = new Map<string, Entry>();
  // Object.entries sees an own "__proto__" key as JSON.parse creates it.
  for (const [id, value] of Object.entries(tickets)) {
    if (!TicketIdSchema.safeParse(id).success) {
      return { problem: `tickets: "${id.slice(0, 80)}" is not a ticket id` };
    }
    const entry = EntrySchema.safeParse(value);
    if (!entry.success) {
      return { problem: describe(entry.error, `tickets.${id}`) };
    }
    map.set(id, entry.data);
  }
  return { tickets: map };
}

/**
 * Why `data` is not a valid ticket index, or `undefined` when it is (for
 * the profile store's `check`, so a damaged index is set aside).
 */
export function checkTicketIndex(data: unknown): string | undefined {
  const parsed = parseIndex(data);
  return "problem" in parsed ? parsed.problem : undefined;
}

function serialize(tickets: Map<string, Entry>): TicketIndexData {
  const out = Object.create(null) as Record<string, Entry>;
  for (const [id, entry] of tickets) out[id] = entry;
  return { version: 1, tickets: out };
}

/** The ticket <-> chat index. Every change re-reads the file first. */
export class TicketIndex {
  #storage: TicketIndexStorage;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(storage: TicketIndexStorage) {
    this.#storage = storage;
  }

  #parse(data: unknown): Map<string, Entry> {
    const parsed = parseIndex(data);
    if ("problem" in parsed) {
      throw new StoreError(
        `Cannot read the ticket index: ${parsed.problem}`,
        { hint: "Move tickets.json away; pidgin ticket list rebuilds it" },
      );
    }
    return parsed.tickets;
  }

  /** Applies `change` to the current index under the lock; writes when it returns true. */
  async #change(
    change: (tickets: Map<string, Entry>) => boolean,
  ): Promise<boolean> {
    const step = (data: unknown) => {
      const tickets = this.#parse(data);
      return Promise.resolve(
        change(tickets)
          ? { data: serialize(tickets), result: true }
          : undefined,
      );
    };
    const storage = this.#storage;
    if (storage.update) return (await storage.update(step)) ?? false;
    const run = this.#chain.then(async () => {
      const result = await step(await storage.read());
      if (result) await storage.write(result.data);
      return result !== undefined;
    });
    this.#chain = run.catch(() => {});
    return await run;
  }

  async #load(): Promise<Map<string, Entry>> {
    return this.#parse(await this.#storage.read());
  }

  /** Records (or refreshes) tickets the backend returned; a cursor already saved is kept. */
  async remember(tickets: (Ticket | TicketSummary)[]): Promise<void> {
    if (tickets.length === 0) return;
    await this.#change((map) => {
      for (const t of tickets) {
        map.set(t.id, {
          ...map.get(t.id),
          contact: t.contact,
          account: t.account,
          subject: t.subject,
          status: t.status,
          updatedAt: t.updatedAt,
        });
      }
      return true;
    });
  }

  /** Saves where sync continues for a ticket, and its latest status. */
  async setCursor(
    id: string,
    cursor: string,
    status?: z.infer<typeof TicketStatusSchema>,
  ): Promise<void> {
    await this.#change((map) => {
      const entry = map.get(id);
      if (!entry) return false;
      map.set(id, { ...entry, cursor, status: status ?? entry.status });
      return true;
    });
  }

  /**
   * Saves `to` (and `status`) as the ticket's cursor only if the saved one
   * is still `from`, the cursor this sync started at; returns whether it
   * did. A sync that lost the race never moves another one's cursor back.
   */
  advanceCursor(
    id: string,
    change: {
      from: string | undefined;
      to: string;
      status?: z.infer<typeof TicketStatusSchema>;
    },
  ): Promise<boolean> {
    return this.#change((map) => {
      const entry = map.get(id);
      if (!entry || entry.cursor !== change.from) return false;
      map.set(id, {
        ...entry,
        cursor: change.to,
        status: change.status ?? entry.status,
      });
      return true;
    });
  }

  /** One ticket, or undefined. */
  async get(id: string): Promise<IndexedTicket | undefined> {
    const entry = (await this.#load()).get(id);
    return entry ? { id, ...entry } : undefined;
  }

  /** All known tickets, newest update first, optionally for one contact. */
  async list(
    filter: { contact?: string; status?: string } = {},
  ): Promise<IndexedTicket[]> {
    return [...(await this.#load())]
      .map(([id, t]) => ({ id, ...t }))
      .filter((t) =>
        (!filter.contact || t.contact === filter.contact) &&
        (!filter.status || t.status === filter.status)
      )
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }
}
