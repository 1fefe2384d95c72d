/**
 * Sending and receiving chat messages with their logs, the same way in every
 * mode: outgoing text is made sendable and logged before it is sent, and a
 * bounce leaves an error line in the conversation; incoming messages are
 * logged one write per conversation, and a conversation that cannot be
 * logged never stops another one from being logged or shown.
 */
import {
  ConnectionError,
  NotConfirmedError,
  StoreError,
  UsageError,
} from "../errors.ts";
import {
  type LogEntry,
  type MessageLedger,
  sendFailureEntry,
} from "../store/mod.ts";
import type { AccountLog } from "./account_log.ts";
import { describeChanges, toSendableText } from "../text/outgoing.ts";
import type {
  ChatMessage,
  SentMessage,
  Session,
  SessionErrorEvent,
} from "../xmpp/mod.ts";

/** What `send` resolves to: the message as it was sent and logged. */
export interface Sent extends SentMessage {
  to: string;
  body: string;
}

/** Where messages queued but not yet acknowledged wait across restarts (long-lived sessions). */
export interface PendingStore {
  put(
    id: string,
    message: { to: string; body: string; queuedAt: string },
  ): Promise<void>;
  remove(id: string): Promise<unknown>;
}

/** Options for {@linkcode createMessaging}. */
export interface MessagingOptions {
  session: Session;
  log: AccountLog;
  /** Which messages the logs already hold; without it nothing is deduplicated. */
  ledger?: MessageLedger;
  /** Where unacknowledged messages wait for the next run (interactive mode, `chat`). */
  pending?: PendingStore;
  /** Shows a one-line notice to the user (stderr, or above the prompt). */
  notice(line: string): void;
  /** A message already acknowledged came back undeliverable (its error line is logged). */
  onBounce?(error: DeliveryError): void;
}

/** Sending and receiving for one account. */
export interface Messaging {
  /** Makes `body` sendable, logs it, sends it; rejects when it was not delivered. */
  send(to: string, body: string): Promise<Sent>;
  /**
   * Logs messages that arrived together, each at most once (a message the
   * ledger knows is not logged again); resolves with the ones to show: those
   * logged (or, when logging failed, to be shown anyway), and those another
   * pidgin process logged first that reached this one first-hand too.
   * Never throws (see `logFailure`).
   */
  receive(
    batch: readonly ChatMessage[],
    nameOf: (jid: string) => string,
  ): Promise<ChatMessage[]>;
  /** Why logging stopped, when it did: the run's exit code says so. */
  readonly logFailure: StoreError | undefined;
}

/** A message came back with an error: it was not delivered. */
export class DeliveryError extends ConnectionError {}

/** Sent messages and errors kept to match each other; older ones are dropped. */
const RECENT = 256;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > RECENT) map.delete(map.keys().next().value!);
}

/**
 * The keys a message is known by in the ledger: its archive id, its
 * origin-id (per sender), and, without either, the sender's id with the
 * body and the message's time (clients reuse ids across sessions, so an id,
 * even with the same text, names one message only near its time: the ledger
 * matches it within 5 minutes).
 */
export function ledgerIds(m: ChatMessage, ownBare: string): string[] {
  const sender = m.direction === "out" ? ownBare : m.fromBare;
  const ids: string[] = [];
  if (m.stanzaId) ids.push(`s:${m.stanzaId}`);
  if (m.originId) ids.push(`o:${sender}/${m.originId}`);
  if (ids.length === 0 && m.id) {
    ids.push(
      `m:${sender}/${m.id}/${m.body.length}:${m.body.slice(0, 64)}@t${
        Math.floor(m.sentAt.getTime() / 1000)
      }`,
    );
  }
  return ids;
}

function deliveryError(to: string, error: SessionErrorEvent): DeliveryError {
  return new DeliveryError(
    `Cannot deliver the message to "${to}": ${error.condition}${
      error.text ? ` (${error.text})` : ""
    }`,
    { hint: "Check the address; the message was not delivered" },
  );
}

/** Creates the messaging of one account. */
export function createMessaging(options: MessagingOptions): Messaging {
  const { session, log, notice } = options;
  let changesNoticed = false;
  let logFailure: StoreError | undefined;
  let logStopped = false;
  /** Errors for messages whose acknowledgement is still awaited. */
  const bounced = new Map<string, SessionErrorEvent>();
  /** Messages acknowledged recently, by id: a bounce can still come for them. */
  const sent = new Map<string, string>();
  session.on("error", (e) => {
    if (!e.id) return;
    const to = sent.get(e.id);
    if (to === undefined) return remember(bounced, e.id, e);
    sent.delete(e.id);
    // A bounce after the acknowledgement (a remote server's): logged and reported.
    logDeliveryError(to, e.text || e.condition).then(() =>
      options.onBounce?.(deliveryError(to, e))
    );
  });

  const loggingFailed = (err: unknown) => {
    const failure = err instanceof StoreError
      ? err
      : new StoreError(`Cannot write the chat log: ${String(err)}`, {
        cause: err,
      });
    logFailure ??= failure;
    if (logStopped) return;
    logStopped = true;
    notice(
      `pidgin: Logging stopped: ${failure.message}; messages are still shown`,
    );
  };
  const loggingWorks = () => {
    if (!logStopped) return;
    logStopped = false;
    notice("pidgin: Logging resumed");
  };

  async function logDeliveryError(to: string, reason?: string): Promise<void> {
    try {
      await log.append(to, sendFailureEntry({ to, reason }));
    } catch (err) {
      loggingFailed(err);
    }
  }

  return {
    get logFailure() {
      return logFailure;
    },
    async send(to, body) {
      const made = toSendableText(body);
      const changes = describeChanges(made);
      if (changes && !changesNoticed) {
        changesNoticed = true;
        notice(changes);
      }
      if (made.text.trim() === "") {
        throw new UsageError("Cannot send the message: the text is empty", {
          hint: "Type some text",
        });
      }
      // Refused before anything is logged: what the server will not take is not "sent".
      session.assertSendable(to, made.text);
      // Logged before it is sent: a crash after this line loses nothing.
      // Its id is its origin-id: the archive's copy of it is known by it.
      const id = crypto.randomUUID();
      const queuedAt = new Date();
      await log.append(to, {
        direction: "out",
        name: log.ownName,
        body: made.text,
        time: queuedAt,
        ledger: { ids: [`o:${session.bareJid}/${id}`] },
      });
      await options.pending?.put(id, {
        to,
        body: made.text,
        queuedAt: queuedAt.toISOString(),
      });
      let result: SentMessage;
      try {
        result = await session.sendMessage(to, made.text, { id });
      } catch (err) {
        // Not confirmed: it may still arrive, and the next run checks and resends it.
        if (!(err instanceof NotConfirmedError)) {
          await options.pending?.remove(id).catch(() => {});
        }
        throw err;
      }
      await options.pending?.remove(id).catch(() => {});
      // A bounce from our own server arrives before its acknowledgement.
      const error = bounced.get(result.id);
      if (error) {
        bounced.delete(result.id);
        // jabber's handle_error: the server's text, else the condition.
        await logDeliveryError(to, error.text || error.condition);
        throw deliveryError(to, error);
      }
      remember(sent, result.id, to);
      return { ...result, to, body: made.text };
    },
    async receive(batch, nameOf) {
      const ledger = options.ledger;
      try {
        ledger?.refresh();
      } catch (err) {
        loggingFailed(err);
      }
      const shown: ChatMessage[] = [];
      const seen = new Set<string>();
      const byContact = new Map<string, LogEntry[]>();
      for (const m of batch) {
        const ids = ledgerIds(m, session.bareJid);
        // Within one batch the same sender's id and text is one message.
        const keys = ids.map((id) => id.replace(/@t\d+$/, ""));
        if (keys.some((k) => seen.has(k))) continue;
        for (const k of keys) seen.add(k);
        if (ids.some((id) => ledger?.has(id))) {
          // Logged already. A copy (archive, delayed) was shown when it was
          // logged; one that came live reached every process of the
          // account at once, and another pidgin just logged it first.
          if (m.source !== "archive" && !m.delayed) shown.push(m);
          continue;
        }
        shown.push(m);
        let entries = byContact.get(m.contact);
        if (!entries) byContact.set(m.contact, entries = []);
        entries.push({
          direction: m.direction,
          name: m.direction === "out" ? log.ownName : nameOf(m.contact),
          body: m.body,
          time: m.sentAt,
          ledger: { ids, cursor: m.stanzaId },
        });
      }
      for (const [contact, entries] of byContact) {
        try {
          await log.append(contact, ...entries);
          loggingWorks();
        } catch (err) {
          // One conversation that cannot be logged never stops the others.
          loggingFailed(err);
        }
      }
      return shown;
    },
  };
}
