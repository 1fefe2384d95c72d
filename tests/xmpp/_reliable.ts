/**
 * Helpers for the reliability tests: a reconnecting session through a test
 * endpoint (a server or the fault proxy in front of it), a message handler
 * that records what it was given, and waiting on a session's events.
 */
import type {
  CatchUpOptions,
  ChatMessage,
  MessageHandler,
  Session,
  SessionEvents,
  SessionOptions,
} from "../../src/xmpp/mod.ts";
import type { TestEndpoint } from "../_support/accounts.ts";
import { createWaiters } from "../_support/_waiters.ts";

/** Options for alice (or `jid`) through `endpoint`, reconnecting fast. */
export async function reliableOptions(
  endpoint: TestEndpoint,
  extra: Partial<SessionOptions> = {},
): Promise<SessionOptions> {
  return {
    jid: "alice@localhost",
    password: "alice-secret-pw",
    resource: "pidgin",
    server: "127.0.0.1",
    port: endpoint.port,
    extraCa: endpoint.caFile
      ? await Deno.readTextFile(endpoint.caFile)
      : undefined,
    timeoutMs: 5000,
    reconnect: true,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
    ...extra,
  };
}

/** What a message handler was given, and waiting until it was given enough. */
export interface Recorder {
  readonly messages: ChatMessage[];
  readonly batches: number;
  bodies(): string[];
  /** Resolves once `n` messages were handled; rejects after `timeoutMs`. */
  count(n: number, timeoutMs?: number): Promise<void>;
}

/** A recorder and the message handler that feeds it. */
export interface Recording extends Recorder {
  handler: MessageHandler;
  /** Catch-up from the last archived message recorded (the caller's cursor). */
  catchUp(window?: { max: number; sinceMs: number }): CatchUpOptions;
}

/** A message handler that records every batch, after `handle` resolved. */
export function recorder(
  handle: (batch: ChatMessage[]) => Promise<void> = () => Promise.resolve(),
): Recording {
  const messages: ChatMessage[] = [];
  const waiters = createWaiters();
  let batches = 0;
  return {
    async handler(batch) {
      await handle(batch);
      batches++;
      messages.push(...batch);
      waiters.check();
    },
    catchUp(window = { max: 0, sinceMs: 0 }) {
      return {
        after: () =>
          Promise.resolve(messages.findLast((m) => m.stanzaId)?.stanzaId),
        window,
      };
    },
    messages,
    get batches() {
      return batches;
    },
    bodies: () => messages.map((m) => m.body),
    count(n, timeoutMs = 15_000) {
      return waiters.add(
        () => (messages.length >= n ? true : undefined),
        timeoutMs,
        () => `${n} messages (${messages.length} so far)`,
      ).then(() => {});
    },
  };
}

/** Sets a recording message handler on `session`. */
export function record(
  session: Session,
  handle?: (batch: ChatMessage[]) => Promise<void>,
): Recording {
  const recording = recorder(handle);
  session.setMessageHandler(recording.handler);
  return recording;
}

/** Collects a peer's `message` events (no handler), with waiting. */
export function collect(session: Session): Recorder {
  const messages: ChatMessage[] = [];
  const waiters = createWaiters();
  session.on("message", (m) => {
    messages.push(m);
    waiters.check();
  });
  return {
    messages,
    batches: 0,
    bodies: () => messages.map((m) => m.body),
    count(n, timeoutMs = 15_000) {
      return waiters.add(
        () => (messages.length >= n ? true : undefined),
        timeoutMs,
        () => `${n} messages (${messages.length} so far)`,
      ).then(() => {});
    },
  };
}

/** Records a session's events of `kinds` as lines, for asserting what happened in order. */
export function trace(
  session: Session,
  kinds: (keyof SessionEvents)[] = ["status", "reconnecting", "disconnected"],
): string[] {
  const lines: string[] = [];
  for (const kind of kinds) {
    session.on(kind, (payload) => {
      lines.push(
        kind === "status"
          ? `status: ${payload}`
          : kind === "reconnecting"
          ? "reconnecting"
          : `${kind}: ${
            payload instanceof Error ? payload.message : JSON.stringify(payload)
          }`,
      );
    });
  }
  return lines;
}

/** `["m1", …, "mN"]` with `prefix`. */
export function numbered(prefix: string, n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);
}
