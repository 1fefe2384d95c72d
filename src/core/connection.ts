/**
 * One account online, as every mode uses it: its session, its log with the
 * message ledger, and its messaging. A long-lived connection (interactive
 * mode, `chat`, `listen`) reconnects by itself, logs every message before
 * acknowledging it, catches up from the archive after the last message it
 * logged, and resends what an earlier run sent but never saw acknowledged;
 * a one-shot one (`send`, `roster`) does none of that and binds a resource
 * of its own.
 */
import type { Config } from "../config/mod.ts";
import type { MessageLedger } from "../store/mod.ts";
import type { ChatMessage, Session } from "../xmpp/mod.ts";
import type { Account } from "./account.ts";
import { type AccountLog, openAccountLog } from "./account_log.ts";
import {
  createMessaging,
  type DeliveryError,
  type Messaging,
} from "./messaging.ts";
import { firstStartWindow } from "./catch_up.ts";
import { openSession } from "./session_open.ts";

/** An account online; `close()` (or `await using`) ends it cleanly. */
export interface AccountConnection extends AsyncDisposable {
  account: Account;
  session: Session;
  log: AccountLog;
  messaging: Messaging;
  /**
   * Messages as they are logged, once each, in order. What arrives before a
   * listener is set is kept (up to a bound) and given to the first one; to
   * miss nothing, pass `onMessages` to `connectAccount` instead.
   */
  onMessages(listener: MessageListener): () => void;
  /** The names logs use for contacts (the roster's, once known). */
  setNames(nameOf: (jid: string) => string): void;
  close(): Promise<void>;
}

/**
 * Takes messages once they are logged. The server is told they were
 * handled only after a returned promise settles, so a slow listener holds
 * the flood back instead of piling it up.
 */
export type MessageListener = (
  batch: ChatMessage[],
) => void | Promise<void>;

/** How to connect. */
export interface ConnectOptions {
  config: Config;
  purpleDir: string;
  timeoutMs: number;
  /** Interactive mode, `chat`, `listen`: reconnect, receive, catch up. */
  longLived: boolean;
  /**
   * Bind the account's own resource exactly (default: when long-lived), and
   * so own the messages an earlier run left unacknowledged: only one session
   * can hold that resource, so only one process resends them. `listen`
   * binds one of its own and runs next to the interactive mode.
   */
  ownResource?: boolean;
  /** A flag's word on logging (`--no-log`). */
  log?: boolean;
  /** A one-line notice for the user (stderr, or above the prompt). */
  notice(line: string): void;
  /** A message already acknowledged came back undeliverable. */
  onBounce?(error: DeliveryError): void;
  /** A listener from the start: it sees what catch-up brings while connecting, however much. */
  onMessages?: MessageListener;
}

/** The window read when the archive no longer knows the cursor. */
function lostCursorWindow(): { max: number; sinceMs: number } {
  return { max: 500, sinceMs: 7 * 86_400_000 };
}

/** Messages kept for a listener that is not there yet. */
const EARLY_MESSAGES = 10_000;

/**
 * Connects `account`; on failure nothing is left open.
 *
 * Requires net access and read/write access to the profile.
 */
export async function connectAccount(
  account: Account,
  options: ConnectOptions,
): Promise<AccountConnection> {
  const { purpleDir, longLived } = options;
  const ownResource = options.ownResource ?? longLived;
  const store = await import("../store/mod.ts");
  const ledger: MessageLedger = store.openMessageLedger(purpleDir, account.jid);
  const log = await openAccountLog({
    config: options.config,
    purpleDir,
    account: account.jid,
    resource: await account.resource(),
    enabled: options.log === false ? false : undefined,
    ledger,
  });
  const pending = longLived && ownResource
    ? store.openJsonDir(
      store.accountStatePath(purpleDir, account.jid, "unacked"),
    )
    : undefined;
  let nameOf = (jid: string) => log.nameOf(jid);
  const listeners = new Set<MessageListener>(
    options.onMessages ? [options.onMessages] : [],
  );
  let early: ChatMessage[] = [];
  let messaging: Messaging | undefined;

  // A first start (no cursor yet) reads a bounded recent window, from where
  // the logs end; so does a start whose cursor the archive no longer knows
  // (expired), where the ledger drops what was logged already.
  const window = !longLived
    ? { max: 0, sinceMs: 0 }
    : ledger.cursor() === undefined
    ? await firstStartWindow(purpleDir, account.jid)
    : lostCursorWindow();
  let session: Session;
  try {
    session = await openSession(account, {
      ownResource,
      timeoutMs: options.timeoutMs,
      purpleDir,
      extra: longLived
        ? {
          reconnect: true,
          catchUp: {
            after: () => Promise.resolve(ledger.cursor()),
            window,
          },
        }
        : {},
      configure(s) {
        messaging = createMessaging({
          session: s,
          log,
          ledger,
          pending: pending && {
            put: (id, message) => pending.put(id, message),
            remove: (id) => pending.remove(id),
          },
          notice: options.notice,
          onBounce: options.onBounce,
        });
        if (!longLived) return;
        // A catch-up that broke off is said (once per kind of reason); a
        // server without an archive is a documented limit, not news.
        const said = new Set<string>();
        s.on("catchUp", (e) => {
          if (e.outcome !== "failed" || !e.reason) return;
          if (said.has(e.reason.message)) return;
          said.add(e.reason.message);
          options.notice(`pidgin: ${e.reason.message}`);
        });
        // Acknowledged to the server only once logged.
        s.setMessageHandler(async (batch) => {
          const fresh = await messaging!.receive(batch, nameOf);
          if (fresh.length === 0) return;
          if (listeners.size === 0) {
            early.push(...fresh.slice(0, EARLY_MESSAGES - early.length));
            return;
          }
          await Promise.all([...listeners].map((listener) => listener(fresh)));
        });
      },
    });
  } catch (err) {
    await Promise.resolve(log[Symbol.asyncDispose]()).catch(() => {});
    ledger.close();
    throw err;
  }

  // What an earlier run sent and never saw acknowledged: checked against the
  // archive and sent again only if it is not there, with its own id.
  const resends: Promise<unknown>[] = [];
  if (pending) {
    for (const [id, data] of await pending.list()) {
      const record = data as {
        to?: unknown;
        body?: unknown;
        queuedAt?: unknown;
      };
      if (
        typeof record?.to !== "string" || typeof record.body !== "string" ||
        typeof record.queuedAt !== "string"
      ) {
        await pending.remove(id).catch(() => {});
        continue;
      }
      resends.push(
        session.sendMessage(record.to, record.body, {
          id,
          queuedAt: new Date(record.queuedAt),
        }).then(() => pending.remove(id), () => {}),
      );
    }
  }

  const connection: AccountConnection = {
    account,
    session,
    log,
    messaging: messaging!,
    onMessages(listener) {
      listeners.add(listener);
      if (early.length > 0) {
        const batch = early;
        early = [];
        listener(batch);
      }
      return () => listeners.delete(listener);
    },
    setNames(names) {
      nameOf = names;
    },
    async close() {
      await session.stop();
      await Promise.allSettled(resends);
      await Promise.resolve(log[Symbol.asyncDispose]()).catch(() => {});
      ledger.close();
    },
    [Symbol.asyncDispose]() {
      return connection.close();
    },
  };
  return connection;
}
