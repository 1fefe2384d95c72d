/**
 * Appends conversation logs to a Pidgin profile. Like Pidgin, each
 * conversation opened in this process gets its own file, named by the time
 * it was opened; every batch of lines is written with one write call before
 * the caller shows or acknowledges the message, so a Ctrl-C or a kill loses
 * nothing. A file of the same name that already exists (two sends in the
 * same second) is continued: no second header, and an html document stays
 * one document. Each conversation fails on its own: an error appending to
 * one contact's file never touches another's.
 *
 * Logs are appended, not rewritten, so they are the one kind of file that is
 * not written by temp file and rename: that is how Pidgin writes them too.
 */
import { basename, join, resolve } from "node:path";
import { StoreError } from "../errors.ts";
import { LogFile, makeLogDir, type WriteSync } from "./_log_file.ts";
import { boundsRecord, writeBounds } from "./log_bounds.ts";
import {
  formatLogEntry,
  formatLogFooter,
  formatLogHeader,
  isNotice,
  type LogEntry,
  type LogStyle,
} from "./chat_log_format.ts";
import { formatFileStamp } from "./log_time.ts";
import { ledgerHash, type MessageLedger } from "./message_ledger.ts";
import { conversationLogDir, logBoundsPath } from "./paths.ts";

/** Options for {@linkcode createChatLog}. */
export interface ChatLogOptions {
  /** The profile directory (see `resolvePurpleDir`). */
  purpleDir: string;
  /** Our bare JID: names the account folder. */
  account: string;
  /** Our full JID (`user@domain/resource`), shown in each header. */
  accountFull: string;
  style: LogStyle;
  /**
   * The write(2) used for log lines (`file.writeSync` by default); tests pass
   * one that fails half way, as a full disk does.
   */
  writeSync?: WriteSync;
  /** The clock that names files and dates lines (`new Date()` by default). */
  clock?: () => Date;
  /** Where entries with `ledger` ids are recorded, right before they are written. */
  ledger?: Pick<MessageLedger, "record" | "forget" | "has" | "exclusive">;
}

/** The logs of one account; close it to finish html files. */
export interface ChatLog extends AsyncDisposable {
  /**
   * Appends lines to the conversation with `contact` (a bare JID), all in one
   * write, so a burst of messages costs one system call. Rejects with a
   * `StoreError` that says why (disk full, read-only, permission denied);
   * the file is then as it was before the call.
   */
  append(contact: string, ...entries: LogEntry[]): Promise<void>;
  /** Writes html footers and closes every file; the first failure is thrown after all are closed. */
  close(): Promise<void>;
}

interface OpenLog {
  file: LogFile;
  /** When the conversation's log was opened: names the file, shown in its header. */
  opened: Date;
  /** The sidecar of message boundaries (see log_bounds.ts). */
  bounds: string;
}

/**
 * Creates the log writer for one account.
 *
 * Requires read/write access to `<purpleDir>/logs` and `<purpleDir>/pidgin`.
 */
export function createChatLog(options: ChatLogOptions): ChatLog {
  const logs = new Map<string, OpenLog>();
  const { style } = options;
  const write: WriteSync = options.writeSync ??
    ((file, bytes) => file.writeSync(bytes));
  const clock = options.clock ?? (() => new Date());
  const header = (contact: string, opened: Date) =>
    formatLogHeader({ contact, account: options.accountFull, opened }, style);
  let closed = false;

  function logFor(contact: string, now: Date): OpenLog {
    let log = logs.get(contact);
    if (log) return log;
    const dir = conversationLogDir(options.purpleDir, options.account, contact);
    const path = join(
      dir,
      `${formatFileStamp(now, style.zone)}.${style.format}`,
    );
    makeLogDir(path, resolve(options.purpleDir, "logs"));
    log = {
      file: new LogFile(path, write),
      opened: now,
      bounds: logBoundsPath(
        options.purpleDir,
        options.account,
        contact,
        basename(path),
      ),
    };
    logs.set(contact, log);
    return log;
  }

  function appendNow(contact: string, given: LogEntry[]): void {
    const ledger = options.ledger;
    if (!ledger || !given.some((e) => !isNotice(e) && e.ledger)) {
      return appendEntries(contact, given);
    }
    // Checked and written under the ledger's lock: a message another
    // process logged meanwhile (both got the same carbon) is left out.
    ledger.exclusive(() => {
      const entries = given.filter((e) =>
        isNotice(e) || !e.ledger || !e.ledger.ids.some((id) => ledger.has(id))
      );
      if (entries.length > 0) appendEntries(contact, entries);
    });
  }

  function appendEntries(contact: string, entries: LogEntry[]): void {
    if (closed) {
      throw new StoreError(
        `Cannot log to "${contact}": the chat log is closed`,
      );
    }
    const now = clock();
    const log = logFor(contact, now);
    const lines = entries.map((e) => formatLogEntry(e, style, now));
    const records = style.format === "txt"
      ? entries.map((e, i) => boundsRecord(e, lines[i]!))
      : [];
    const ids: string[] = [];
    let cursor: string | undefined;
    for (const e of entries) {
      if (isNotice(e) || !e.ledger) continue;
      ids.push(...e.ledger.ids);
      cursor = e.ledger.cursor ?? cursor;
    }
    const recording = ids.length > 0 ? options.ledger : undefined;
    let recorded = false;
    const plan = {
      header: () => header(contact, log.opened),
      body: lines.join(""),
      before: recording
        ? (start: number, bytes: Uint8Array) => {
          recording.record({
            path: log.file.path,
            start,
            length: bytes.length,
            hash: ledgerHash(bytes),
            ids,
            cursor,
          });
          recorded = true;
        }
        : undefined,
      footer: formatLogFooter(style),
      after: records.some((r) => r !== undefined)
        ? (offset: number) => writeBounds(log.bounds, offset, lines, records)
        : undefined,
    };
    try {
      log.file.append(plan);
    } catch (err) {
      // The ledger's line no longer matches the log: it is not true.
      if (recorded) recording?.forget(ids);
      throw err;
    }
  }

  return {
    append(contact, ...entries) {
      try {
        appendNow(contact, entries);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close() {
      closed = true;
      let first: unknown;
      for (const log of logs.values()) {
        try {
          log.file.close(formatLogFooter(style));
        } catch (err) {
          first ??= err;
        }
      }
      logs.clear();
      return first === undefined ? Promise.resolve() : Promise.reject(first);
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
