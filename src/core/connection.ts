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
   * listener is set is kept (up to a bound) and given to the first one.
   */
  onMessages(listener: (batch: ChatMessage[]) => void): () => void;
  /** The names logs use for contacts (the roster's, once known). */
  setNames(nameOf: (jid: string) => string): void;
  close(): Promise<void>;
}

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
  const listeners = new Set<(batch: ChatMessage[]) => void>();
  let early: ChatMessage[] = [];
  let messaging: Messaging | undefined;

  // Read only on a first start (no cursor yet): where the logs end.
  const window = longLived && ledger.cursor() === undefined
    ? await firstStartWindow(purpleDir, account.jid)
    : { max: 0, sinceMs: 0 };
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
        // Acknowledged to the server only once logged.
        s.setMessageHandler(async (batch) => {
          const fresh = await messaging!.receive(batch, nameOf);
          if (fresh.length === 0) return;
          if (listeners.size === 0) {
            early.push(...fresh.slice(0, EARLY_MESSAGES - early.length));
            return;
          }
          for (const listener of listeners) listener(fresh);
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
