/**
 * zod schemas of the ticket API; they mirror docs/ticket-api.yaml, and
 * tests/tickets/schemas_test.ts checks that the two agree (fields, required
 * fields, enums, and every length and pattern limit). Every string the
 * backend sends has a bound, so no answer can grow tickets.json or the
 * screen without limit.
 */
import { z } from "zod";

const JID = /^[^@/\s]+@[^@/\s]+$/;
const FULL_JID = /^[^@/\s]+@[^@/\s]+(\/.+)?$/;
/** RFC 7622: 1023 bytes per part; three parts and two separators. */
const JID_MAX = 3071;

/** The longest message body, context line or reply (characters, as `String.length` counts them). */
export const MAX_BODY_LENGTH = 20000;
/** The most context lines a ticket carries. */
export const MAX_CONTEXT_LINES = 500;
/** The longest ticket subject. */
export const MAX_SUBJECT_LENGTH = 200;

export const JidSchema = z.string().max(JID_MAX).regex(
  JID,
  "expected a bare JID, user@domain",
);
export const FullJidSchema = z.string().max(JID_MAX).regex(
  FULL_JID,
  "expected a JID",
);
/**
 * 1 to 64 letters, digits, `.`, `_` or `-`, not starting with a dot: safe
 * as a URL path segment and a file name (`.` and `..` are not ids).
 */
export const TicketIdSchema = z.string().regex(
  /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/,
  "expected a ticket id",
);
/** An opaque position in a list or in a ticket's events. */
export const CursorSchema = z.string().min(1).max(1024);
/** A ticket's subject. */
export const TicketSubjectSchema = z.string().max(MAX_SUBJECT_LENGTH);
export const TicketStatusSchema = z.enum([
  "open",
  "pending",
  "resolved",
  "closed",
]);
export const PrioritySchema = z.enum(["low", "normal", "high", "urgent"]);
const DateTime = z.iso.datetime({ offset: true });
const Body = z.string().max(MAX_BODY_LENGTH);
const Context = z.array(Body).max(MAX_CONTEXT_LINES);

export const AuthorSchema = z.object({
  kind: z.enum(["contact", "agent", "system"]),
  jid: JidSchema.optional(),
  name: z.string().min(1).max(200),
});

export const MessageSchema = z.object({
  id: z.string().min(1).max(128),
  ticketId: TicketIdSchema,
  author: AuthorSchema,
  body: Body,
  createdAt: DateTime,
});

export const XmppMessageSchema = z.object({
  from: FullJidSchema,
  to: FullJidSchema,
  body: Body.min(1),
  sentAt: DateTime,
  stanzaId: z.string().max(256).optional(),
});

export const CreateTicketRequestSchema = z.object({
  account: JidSchema,
  contact: JidSchema,
  subject: TicketSubjectSchema.optional(),
  priority: PrioritySchema.optional(),
  message: XmppMessageSchema,
  context: Context,
});

export const TicketSchema = z.object({
  id: TicketIdSchema,
  subject: TicketSubjectSchema,
  status: TicketStatusSchema,
  priority: PrioritySchema,
  contact: JidSchema,
  account: JidSchema,
  createdAt: DateTime,
  updatedAt: DateTime,
  messages: z.array(MessageSchema),
  context: Context,
});

/** A ticket in a list: the same fields without messages and context, plus how many messages. */
export const TicketSummarySchema = TicketSchema.omit({
  messages: true,
  context: true,
}).extend({
  messageCount: z.number().int().min(0),
});

export const TicketPageSchema = z.object({
  items: z.array(TicketSummarySchema).max(100),
  nextCursor: CursorSchema.nullable(),
});

export const AddMessageRequestSchema = z.object({
  author: AuthorSchema,
  body: Body.min(1),
  sentAt: DateTime.optional(),
});

export const SyncEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    cursor: CursorSchema,
    message: MessageSchema,
  }),
  z.object({
    type: z.literal("status"),
    cursor: CursorSchema,
    status: TicketStatusSchema,
    changedAt: DateTime,
  }),
]);

export const SyncPageSchema = z.object({
  ticketId: TicketIdSchema,
  status: TicketStatusSchema,
  events: z.array(SyncEventSchema),
  nextCursor: CursorSchema,
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
