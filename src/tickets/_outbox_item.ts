/** The stored form of an outbox item, and how a record is checked before it is used. */
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { describeIssues } from "./_http.ts";
import {
  AddMessageRequestSchema,
  CreateTicketRequestSchema,
  TicketIdSchema,
} from "./schemas.ts";

/** What an item id (and its record's name) looks like. */
export const RECORD_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const Common = {
  id: z.string().regex(RECORD_NAME),
  idempotencyKey: z.string().min(8).max(128),
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

/** What is queued: a ticket to create, or a message for a ticket. */
export type OutboxRequest =
  | { kind: "createTicket"; request: z.infer<typeof CreateTicketRequestSchema> }
  | {
    kind: "addMessage";
    ticketId: string;
    request: z.infer<typeof AddMessageRequestSchema>;
  };

/** Why the record `name` is not a usable item, or `undefined` when it is one. */
export function problemWith(name: string, data: unknown): string | undefined {
  if (data instanceof Error) return data.message;
  const parsed = OutboxItemSchema.safeParse(data);
  if (!parsed.success) return describeIssues(parsed.error);
  // Updates go to the file named by the id: a mismatch would send it forever.
  if (parsed.data.id !== name) return "its id is not its file name";
  return undefined;
}

/** A new item for `entry`; a UsageError when it breaks the contract. */
export function newItem(
  entry: OutboxRequest,
  now: Date,
  sequence: number,
): OutboxItem {
  const time = now.getTime().toString().padStart(15, "0");
  const seq = String(sequence % 1_000_000).padStart(6, "0");
  const item = {
    id: `${time}-${seq}-${crypto.randomUUID().slice(0, 8)}`,
    idempotencyKey: crypto.randomUUID(),
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    state: "pending" as const,
    lastError: null,
    ...entry,
  };
  const parsed = OutboxItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new UsageError(
      `Cannot queue the ${
        entry.kind === "createTicket" ? "ticket" : "message"
      }: ${describeIssues(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
