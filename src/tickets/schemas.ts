/**
 * zod schemas of the ticket API; they mirror docs/ticket-api.yaml, and
 * tests/tickets/schemas_test.ts checks that the two agree.
 */
import { z } from "zod";

const JID = /^[^@/\s]+@[^@/\s]+$/;
const FULL_JID = /^[^@/\s]+@[^@/\s]+(\/.+)?$/;

export const JidSchema = z.string().regex(
  JID,
  "expected a bare JID, user@domain",
);
export const FullJidSchema = z.string().regex(FULL_JID, "expected a JID");
export const TicketIdSchema = z.string().regex(
  /^[A-Za-z0-9._-]{1,64}$/,
  "expected a ticket id",
);
export const TicketStatusSchema = z.enum([
  "open",
  "pending",
  "resolved",
  "closed",
]);
export const PrioritySchema = z.enum(["low", "normal", "high", "urgent"]);
const DateTime = z.iso.datetime({ offset: true });

export const AuthorSchema = z.object({
  kind: z.enum(["contact", "agent", "system"]),
  jid: JidSchema.optional(),
  name: z.string().min(1).max(200),
});

export const MessageSchema = z.object({
  id: z.string(),
  ticketId: TicketIdSchema,
  author: AuthorSchema,
  body: z.string().max(20000),
  createdAt: DateTime,
});

export const XmppMessageSchema = z.object({
  from: FullJidSchema,
  to: FullJidSchema,
  body: z.string().min(1).max(20000),
  sentAt: DateTime,
  stanzaId: z.string().optional(),
});

export const CreateTicketRequestSchema = z.object({
  account: JidSchema,
  contact: JidSchema,
  subject: z.string().max(200).optional(),
  priority: PrioritySchema.optional(),
  message: XmppMessageSchema,
  context: z.array(z.string().max(20000)).max(500),
});

export const TicketSchema = z.object({
  id: TicketIdSchema,
  subject: z.string(),
  status: TicketStatusSchema,
  priority: PrioritySchema,
  contact: JidSchema,
  account: JidSchema,
  createdAt: DateTime,
  updatedAt: DateTime,
  messages: z.array(MessageSchema),
  context: z.array(z.string()),
});

/** A ticket in a list: the same fields without messages and context, plus how many messages. */
export const TicketSummarySchema = TicketSchema.omit({
  messages: true,
  context: true,
}).extend({
  messageCount: z.number().int().min(0),
});

export const TicketPageSchema = z.object({
  items: z.array(TicketSummarySchema),
  nextCursor: z.string().nullable(),
});

export const AddMessageRequestSchema = z.object({
  author: AuthorSchema,
  body: z.string().min(1).max(20000),
  sentAt: DateTime.optional(),
});

export const SyncEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    cursor: z.string(),
    message: MessageSchema,
  }),
  z.object({
    type: z.literal("status"),
    cursor: z.string(),
    status: TicketStatusSchema,
    changedAt: DateTime,
  }),
]);

export const SyncPageSchema = z.object({
  ticketId: TicketIdSchema,
  status: TicketStatusSchema,
  events: z.array(SyncEventSchema),
  nextCursor: z.string(),
});

export const PresenceReportSchema = z.object({
  account: JidSchema,
  show: z.enum(["available", "away", "xa", "dnd", "offline"]),
  status: z.string().max(1000).optional(),
  at: DateTime,
});

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() }))
      .optional(),
  }),
});

export type Author = z.infer<typeof AuthorSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type XmppMessage = z.infer<typeof XmppMessageSchema>;
export type CreateTicketRequest = z.infer<typeof CreateTicketRequestSchema>;
export type Ticket = z.infer<typeof TicketSchema>;
export type TicketSummary = z.infer<typeof TicketSummarySchema>;
export type TicketPage = z.infer<typeof TicketPageSchema>;
export type TicketStatus = z.infer<typeof TicketStatusSchema>;
export type AddMessageRequest = z.infer<typeof AddMessageRequestSchema>;
export type SyncEvent = z.infer<typeof SyncEventSchema>;
export type SyncPage = z.infer<typeof SyncPageSchema>;
export type PresenceReport = z.infer<typeof PresenceReportSchema>;
export type ApiErrorBody = z.infer<typeof ErrorSchema>;

/** Component name in docs/ticket-api.yaml -> the schema that mirrors it. */
export const COMPONENTS = {
  Author: AuthorSchema,
  Message: MessageSchema,
  XmppMessage: XmppMessageSchema,
  CreateTicketRequest: CreateTicketRequestSchema,
  Ticket: TicketSchema,
  TicketSummary: TicketSummarySchema,
  TicketPage: TicketPageSchema,
  AddMessageRequest: AddMessageRequestSchema,
  SyncPage: SyncPageSchema,
  PresenceReport: PresenceReportSchema,
  Error: ErrorSchema,
} as const;
