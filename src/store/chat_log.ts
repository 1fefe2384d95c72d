/**
 * Appends conversation logs to a Pidgin profile. Like Pidgin, each
 * conversation opened in this process gets its own file, named by the time
 * it was opened; every line is written with one write call before the caller
 * shows or acknowledges the message, so a Ctrl-C or a kill loses nothing.
 *
 * Logs are appended, not rewritten, so they are the one kind of file that is
 * not written by temp file and rename: that is how Pidgin writes them too.
 */
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";
import {
  formatLogEntry,
  formatLogFooter,
  formatLogHeader,
  type LogEntry,
  type LogStyle,
} from "./chat_log_format.ts";
import { formatFileStamp } from "./log_time.ts";
import { conversationLogDir } from "./paths.ts";

/** Options for {@linkcode createChatLog}. */
export interface ChatLogOptions {
  /** The profile directory (see `resolvePurpleDir`). */
  purpleDir: string;
  /** Our bare JID: names the account folder. */
  account: string;
  /** Our full JID (`user@domain/resource`), shown in each header. */
  accountFull: string;
  style: LogStyle;
}

/** The logs of one account; close it to finish html files. */
export interface ChatLog extends AsyncDisposable {
  /**
   * Appends lines to the conversation with `contact` (a bare JID), all in one
   * write, so a burst of messages costs one system call.
   */
  append(contact: string, ...entries: LogEntry[]): Promise<void>;
  /** Writes html footers and closes every file. */
  close(): Promise<void>;
}

interface OpenLog {
  path: string;
  file: Deno.FsFile;
}

/**
 * Appends synchronously: one write(2) to a local file takes about 1 µs where
 * Deno's async write takes about 30 µs (a thread-pool round trip), and a
 * synchronous write also keeps lines in call order without a queue.
 */
function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += file.writeSync(bytes.subarray(offset));
  }
}

/**
 * Creates the log writer for one account.
 *
 * Requires read/write access to `<purpleDir>/logs`.
 */
export function createChatLog(options: ChatLogOptions): ChatLog {
  const logs = new Map<string, Promise<OpenLog>>();
  const encoder = new TextEncoder();
  const { style } = options;

  async function open(contact: string, opened: Date): Promise<OpenLog> {
    const dir = conversationLogDir(options.purpleDir, options.account, contact);
    const path = join(
      dir,
      `${formatFileStamp(opened, style.zone)}.${style.format}`,
    );
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = await Deno.open(path, {
        append: true,
        create: true,
        mode: 0o600,
      });
      const header = formatLogHeader(
        { contact, account: options.accountFull, opened },
        style,
      );
      writeAll(file, encoder.encode(header));
      return { path, file };
    } catch (err) {
      throw fsError(`Cannot write the chat log "${path}"`, err);
    }
  }

  function logFor(contact: string): Promise<OpenLog> {
    let log = logs.get(contact);
    if (!log) {
      log = open(contact, new Date());
      logs.set(contact, log);
      log.then((ready) => opened.set(contact, ready), () => {});
      log.catch(() => logs.delete(contact));
    }
    return log;
  }

  let closed = false;
  /** Logs whose file is open, for appends that need not wait. */
  const opened = new Map<string, OpenLog>();

  function write(log: OpenLog, entries: LogEntry[]): void {
    const now = new Date();
    const text = entries.map((e) => formatLogEntry(e, style, now)).join("");
    try {
      writeAll(log.file, encoder.encode(text));
    } catch (err) {
      throw fsError(`Cannot write the chat log "${log.path}"`, err);
    }
  }

  return {
    append(contact, ...entries) {
      if (closed) {
        return Promise.reject(
          new StoreError(`Cannot log to "${contact}": the chat log is closed`),
        );
      }
      const ready = opened.get(contact);
      if (ready) {
        // The common case: the file is open, so append without a turn of the event loop.
        try {
          write(ready, entries);
          return Promise.resolve();
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return logFor(contact).then((log) => write(log, entries));
    },
    async close() {
      closed = true;
      const open = [...logs.values()];
      logs.clear();
      opened.clear();
      for (const pending of open) {
        let log: OpenLog;
        try {
          log = await pending;
        } catch {
          continue;
        }
        const footer = formatLogFooter(style);
        if (footer) writeAll(log.file, encoder.encode(footer));
        log.file.close();
      }
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
