/**
 * Which ticket belongs to which chat, kept in the profile so a ticket's
 * contact and a contact's tickets can be looked up offline, with each
 * ticket's sync cursor. Storage is passed in (the profile store).
 */
import { z } from "zod";
import { StoreError } from "../errors.ts";
import {
  JidSchema,
  type Ticket,
  TicketStatusSchema,
  type TicketSummary,
} from "./schemas.ts";

export const TicketIndexSchema = z.object({
  version: z.literal(1),
  tickets: z.record(
    z.string(),
    z.object({
      contact: JidSchema,
      account: JidSchema,
      subject: z.string(),
      status: TicketStatusSchema,
      updatedAt: z.string(),
      /** Where `ticket sync` continues. */
      cursor: z.string().optional(),
    }),
  ),
});
export type TicketIndexData = z.infer<typeof TicketIndexSchema>;
export type IndexedTicket = TicketIndexData["tickets"][string] & { id: string };

/** Reads and replaces the whole index (one small JSON file). */
export interface TicketIndexStorage {
  read(): Promise<unknown>;
  write(data: TicketIndexData): Promise<void>;
}

/** The ticket <-> chat index. Every change re-reads the file first. */
export class TicketIndex {
  #storage: TicketIndexStorage;

  constructor(storage: TicketIndexStorage) {
    this.#storage = storage;
  }

  async #load(): Promise<TicketIndexData> {
    const data = await this.#storage.read();
    if (data === undefined) return { version: 1, tickets: {} };
    const parsed = TicketIndexSchema.safeParse(data);
    if (!parsed.success) {
      throw new StoreError("Cannot read the ticket index: it is not valid", {
        cause: parsed.error,
        hint: "Move tickets.json away; pidgin ticket list rebuilds it",
      });
    }
    return parsed.data;
  }

  /** Records (or refreshes) tickets the backend returned. */
  async remember(tickets: (Ticket | TicketSummary)[]): Promise<void> {
    if (tickets.length === 0) return;
    const data = await this.#load();
    for (const t of tickets) {
      data.tickets[t.id] = {
        ...data.tickets[t.id],
        contact: t.contact,
        account: t.account,
        subject: t.subject,
        status: t.status,
        updatedAt: t.updatedAt,
      };
    }
    await this.#storage.write(data);
  }

  /** Saves where sync continues for a ticket, and its latest status. */
  async setCursor(
    id: string,
    cursor: string,
    status?: z.infer<typeof TicketStatusSchema>,
  ): Promise<void> {
    const data = await this.#load();
    const entry = data.tickets[id];
    if (!entry) return;
    data.tickets[id] = { ...entry, cursor, status: status ?? entry.status };
    await this.#storage.write(data);
  }

  /** One ticket, or undefined. */
  async get(id: string): Promise<IndexedTicket | undefined> {
    const entry = (await this.#load()).tickets[id];
    return entry ? { id, ...entry } : undefined;
  }

  /** All known tickets, newest update first, optionally for one contact. */
  async list(
    filter: { contact?: string; status?: string } = {},
  ): Promise<IndexedTicket[]> {
    const data = await this.#load();
    return Object.entries(data.tickets)
      .map(([id, t]) => ({ id, ...t }))
      .filter((t) =>
        (!filter.contact || t.contact === filter.contact) &&
        (!filter.status || t.status === filter.status)
      )
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }
}
