/**
 * Logging around sending and receiving, the same in every mode: an outgoing
 * message is logged before it is sent; messages that arrived together are
 * logged with one write per conversation.
 */
import type { LogEntry } from "../store/mod.ts";
import type { ChatMessage, SentMessage, Session } from "../xmpp/mod.ts";
import type { AccountLog } from "./account_log.ts";

/** Logs an outgoing message, then sends it: the log has it before the server does. */
export async function logAndSend(
  session: Session,
  log: AccountLog,
  to: string,
  body: string,
): Promise<SentMessage> {
  await log.append(to, {
    direction: "out",
    name: log.ownName,
    body,
    time: new Date(),
  });
  return await session.sendMessage(to, body);
}

/** Logs messages that arrived together: one write per conversation. */
export async function logIncoming(
  log: AccountLog,
  messages: ChatMessage[],
  nameOf: (bareJid: string) => string,
): Promise<void> {
  const byContact = new Map<string, LogEntry[]>();
  for (const m of messages) {
    const entries = byContact.get(m.fromBare) ?? [];
    entries.push({
      direction: "in",
      name: nameOf(m.fromBare),
      body: m.body,
      time: m.sentAt,
    });
    byContact.set(m.fromBare, entries);
  }
  for (const [from, entries] of byContact) await log.append(from, ...entries);
}
