/**
 * Outgoing chat messages until the server has them: written when online,
 * acknowledged by stream management (else by a ping round trip), kept
 * across reconnects. A message that may have reached the server before its
 * connection broke (`uncertain`) is looked up in our archive by its
 * origin-id before it is written again, so the contact gets it once; one
 * the server said it never handled (`<failed h>`) is simply written again.
 * Nothing is reported failed that may have been delivered: that is
 * `NotConfirmedError`.
 */
import {
  type AppError,
  ConnectionError,
  NotConfirmedError,
} from "../errors.ts";
import type { Archive } from "./mam.ts";
import { ArchiveError } from "./mam.ts";
import type { Element } from "./_xmpp_js.ts";
import type { SentMessage, UnacknowledgedMessage } from "./types.ts";

/** How far before it was queued a message is looked for (clock skew). */
const LOOK_BEFORE_MS = 5 * 60_000;
/** Most archived messages read per contact to find ours. */
const LOOK_MAX = 2000;

/** The live connection, as the outbox writes to it. */
export interface OutboxLink {
  send(stanza: Element): Promise<void>;
  /** True when stream management acknowledges stanzas on it. */
  sm: boolean;
  /** Resolves once the server handled what was sent before (a ping). */
  roundTrip(): Promise<void>;
}

/** What the outbox needs from the session. */
export interface OutboxOptions {
  archive: Archive;
  /** A message is written (for receipts, and to know our own copies). */
  written(id: string, toBare: string): void;
  /** Give up on an unacknowledged message after this long (sessions that do not reconnect). */
  giveUpAfterMs?: number;
  acknowledged(id: string): void;
}

/** A message the outbox takes. */
export interface OutgoingMessage {
  id: string;
  /** The recipient as written in the stanza, and its bare form. */
  to: string;
  toBare: string;
  body: string;
  stanza: Element;
  /** Set for a resend from an earlier run: look it up in the archive first. */
  queuedAt?: Date;
}

interface Entry extends OutgoingMessage {
  queuedAt: Date;
  state: "waiting" | "sent";
  uncertain: boolean;
  written: boolean;
  viaSm: boolean;
  settled: boolean;
  sentAt?: Date;
  timer?: ReturnType<typeof setTimeout>;
  promise: Promise<SentMessage>;
  resolve(sent: SentMessage): void;
  reject(err: AppError): void;
}

/** The outbox of one session. */
export interface Outbox {
  send(message: OutgoingMessage): Promise<SentMessage>;
  /** Stream management: the server has `stanza`. */
  acked(stanza: Element): void;
  /** Stream management: `stanza` is unacknowledged on a stream that is gone. */
  lost(stanza: Element, handled: false | undefined): void;
  /** A connection is ready: write what waits, after checking the uncertain. */
  online(link: OutboxLink): void;
  /** The connection closed. */
  offline(): void;
  /** The session ended: every unsettled promise is rejected. */
  end(reason: AppError | undefined): void;
  unacknowledged(): UnacknowledgedMessage[];
}

/** Creates the outbox of one session. */
export function createOutbox(options: OutboxOptions): Outbox {
  const entries: Entry[] = [];
  const byId = new Map<string, Entry>();
  const byStanza = new Map<Element, Entry>();
  let link: OutboxLink | undefined;
  let flushing = false;
  let again = false;

  function settle(entry: Entry, outcome: () => void): void {
    clearTimeout(entry.timer);
    if (entry.settled) return;
    entry.settled = true;
    outcome();
  }

  function ack(entry: Entry): void {
    if (byId.get(entry.id) !== entry) return;
    byId.delete(entry.id);
    byStanza.delete(entry.stanza);
    entries.splice(entries.indexOf(entry), 1);
    settle(
      entry,
      () =>
        entry.resolve({ id: entry.id, sentAt: entry.sentAt ?? entry.queuedAt }),
    );
    options.acknowledged(entry.id);
  }

  function write(entry: Entry, to: OutboxLink): void {
    entry.state = "sent";
    entry.written = true;
    entry.viaSm = to.sm;
    entry.sentAt ??= new Date();
    options.written(entry.id, entry.toBare);
    to.send(entry.stanza).catch(() => {}); // a closed connection says so itself
    const ms = options.giveUpAfterMs;
    if (ms !== undefined && entry.timer === undefined && !entry.settled) {
      entry.timer = setTimeout(() =>
        settle(entry, () =>
          entry.reject(
            new NotConfirmedError(
              `The message to "${entry.to}" is not confirmed: the server did not acknowledge it within ${
                Math.round(ms / 1000)
              } s; it may still arrive`,
              { hint: "Do not send it again; check with the contact" },
            ),
          )), ms);
    }
    if (!to.sm) to.roundTrip().then(() => ack(entry), () => {});
  }

  /** Acknowledges what our archive already holds; the rest is certain. */
  async function check(unsure: Entry[]): Promise<void> {
    const byContact = Map.groupBy(unsure, (e) => e.toBare);
    try {
      for (const [contact, group] of byContact) {
        const ids = new Set(group.map((e) => e.id));
        const since = Math.min(...group.map((e) => e.queuedAt.getTime()));
        const found = new Set<string>();
        const pages = options.archive.query({
          with: contact,
          start: new Date(since - LOOK_BEFORE_MS),
          max: LOOK_MAX,
        });
        for await (const page of pages) {
          for (const m of page) {
            if (m.direction !== "out") continue;
            if (m.originId && ids.has(m.originId)) found.add(m.originId);
            else if (m.id && ids.has(m.id)) found.add(m.id);
          }
        }
        for (const e of group) {
          if (found.has(e.id)) ack(e);
          else e.uncertain = false;
        }
      }
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err; // the connection went: later
      // No archive to ask: sending again may double it, not sending loses it.
      for (const e of unsure) e.uncertain = false;
    }
  }

  async function flush(): Promise<void> {
    if (flushing) {
      again = true;
      return;
    }
    flushing = true;
    try {
      do {
        again = false;
        const unsure = entries.filter((e) =>
          e.state === "waiting" && e.uncertain
        );
        if (unsure.length > 0) await check(unsure);
        for (const entry of [...entries]) {
          if (!link) return;
          if (entry.state === "waiting" && !entry.uncertain) write(entry, link);
        }
      } while (again && link);
    } catch {
      // The connection broke while checking; the next one checks again.
    } finally {
      flushing = false;
    }
  }

  return {
    send(message) {
      const existing = byId.get(message.id);
      if (existing) return existing.promise;
      let resolve: (sent: SentMessage) => void = () => {};
      let reject: (err: AppError) => void = () => {};
      const promise = new Promise<SentMessage>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const entry: Entry = {
        ...message,
        queuedAt: message.queuedAt ?? new Date(),
        state: "waiting",
        uncertain: message.queuedAt !== undefined,
        written: false,
        viaSm: false,
        settled: false,
        promise,
        resolve,
        reject,
      };
      entries.push(entry);
      byId.set(entry.id, entry);
      byStanza.set(entry.stanza, entry);
      if (link && !flushing && !entry.uncertain) write(entry, link);
      else if (link) void flush();
      return promise;
    },
    acked(stanza) {
      const entry = byStanza.get(stanza);
      if (entry) ack(entry);
    },
    lost(stanza, handled) {
      const entry = byStanza.get(stanza);
      if (!entry) return;
      entry.state = "waiting";
      if (handled === undefined) entry.uncertain = true;
    },
    online(next) {
      link = next;
      void flush();
    },
    offline() {
      link = undefined;
      for (const e of entries) {
        if (e.state === "sent" && !e.viaSm) {
          e.state = "waiting";
          e.uncertain = true;
        }
      }
    },
    end(reason) {
      link = undefined;
      for (const e of entries) {
        settle(e, () =>
          e.reject(
            e.written
              ? new NotConfirmedError(
                `The message to "${e.to}" is not confirmed: the connection ended before the server acknowledged it; it may still arrive`,
                {
                  cause: reason,
                  hint: "Do not send it again; check with the contact",
                },
              )
              : new ConnectionError(
                `Cannot send the message to "${e.to}": the session ended before it was sent`,
                { cause: reason, hint: reason?.hint },
              ),
          ));
      }
    },
    unacknowledged() {
      return entries.map((e) => ({
        id: e.id,
        to: e.to,
        body: e.body,
        queuedAt: e.queuedAt,
      }));
    },
  };
}
