/**
 * Which messages an account's logs already hold, across restarts and across
 * processes: the ids of every logged message (its archive `stanza-id`, its
 * `origin-id`, or the sender's id), so a message the server delivers again
 * (stream resumption, archive catch-up, a carbon and its archived copy) is
 * logged once. Also the catch-up cursor: the archive id of the newest
 * archived message logged.
 *
 * One append-only file per account (`<profile>/pidgin/<account>/ledger`),
 * a JSON line per logged batch. A line is written right *before* the log
 * write it describes, naming the log file and the size the file will have
 * once the write is done; at open, the last lines are checked against their
 * log files, and a line whose write never happened (a kill between the two
 * writes) is dropped. So a crash at any moment neither loses a message (its
 * ids are not taken for logged) nor doubles one (a logged message always
 * has its ids recorded).
 */
import { dirname } from "node:path";
import { replaceFileSync } from "./_atomic_write.ts";
import { fsError } from "./_fs_error.ts";
import { accountStatePath } from "./json_files.ts";

/** One logged batch, as the chat log reports it before writing. */
export interface LedgerRecord {
  /** The log file written. */
  path: string;
  /** Where the write starts, and its size. */
  start: number;
  length: number;
  /** FNV-1a of the bytes written, hex: a write that never happened does not match. */
  hash: string;
  /** The ids of the messages written (`s:` archive id, `o:` origin-id, `m:` sender's id). */
  ids: readonly string[];
  /** The archive id of the newest archived message in it, if any: the new cursor. */
  cursor?: string;
}

/** The ledger of one account. */
export interface MessageLedger {
  /**
   * Whether a message with this id was logged (by us, or by another process
   * as of the last `refresh`); a timed `m:…@t<seconds>` id matches the same
   * key logged within 5 minutes of it.
   */
  has(id: string): boolean;
  /** Reads what other processes recorded since; cheap when nothing changed. */
  refresh(): void;
  /** Records a batch; call right before the log write. Throws StoreError. */
  record(record: LedgerRecord): void;
  /**
   * Runs `fn` holding the ledger's lock, after reading what other processes
   * recorded: check with `has`, `record` and write the log inside it, and no
   * other process logs the same message in between. Throws StoreError.
   */
  exclusive<T>(fn: () => T): T;
  /** Forgets ids whose log write failed after `record` (this process only; the file's line no longer matches the log). */
  forget(ids: readonly string[]): void;
  /** The archive id to catch up from, if any archived message was logged. */
  cursor(): string | undefined;
  close(): void;
}

/**
 * How many ids are kept (the oldest are forgotten beyond it). What can come
 * again is recent: a redelivery after a crash, a carbon and its archived
 * copy, the same stanza at a second process, the 500-message window read
 * when the archive lost our cursor. Archive catch-up itself starts after
 * the cursor. So memory and start-up stay flat however many messages the
 * account has logged.
 */
const KEEP = 20_000;
/** How many of the last records are checked against their log files at open. */
const VERIFY = 64;
/**
 * A sender's id and text (`m:` ids, for messages without an archive or
 * origin-id) carry the message's time as `@t<seconds>`; they name the same
 * message only within this many seconds of each other. Clients reuse ids
 * (counters that restart with every run), so a bot that says "build ok" with
 * id "1" every night is a new message each night, while a copy the server
 * delivers again (offline storage after a crash, another pidgin process on
 * the account) carries the original time.
 */
const SAME_MESSAGE_WITHIN_S = 5 * 60;
/** A ledger file larger than this is compacted at open. */
const COMPACT_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `[key, seconds]` of a timed id (`m:…@t<seconds>`), else undefined. */
function timedId(id: string): [string, number] | undefined {
  if (!id.startsWith("m:")) return undefined;
  const at = id.lastIndexOf("@t");
  if (at < 0) return undefined;
  const seconds = Number(id.slice(at + 2));
  return Number.isFinite(seconds) ? [id.slice(0, at), seconds] : undefined;
}

function parseLine(line: string): LedgerRecord | undefined {
  try {
    const data = JSON.parse(line);
    if (
      typeof data?.path !== "string" || typeof data.start !== "number" ||
      typeof data.length !== "number" || typeof data.hash !== "string" ||
      !Array.isArray(data.ids) ||
      !data.ids.every((id: unknown) => typeof id === "string")
    ) return undefined;
    return {
      path: data.path,
      start: data.start,
      length: data.length,
      hash: data.hash,
      ids: data.ids,
      cursor: typeof data.cursor === "string" ? data.cursor : undefined,
    };
  } catch {
    return undefined;
  }
}

/** FNV-1a (32 bits) of `bytes`, as 8 hex digits. */
export function ledgerHash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Whether the log file holds the bytes a record says were written. */
function written(record: LedgerRecord): boolean {
  if (!record.path) return true;
  let file: Deno.FsFile | undefined;
  try {
    file = Deno.openSync(record.path, { read: true });
    if (record.length > 4 * 1024 * 1024) return false;
    const bytes = new Uint8Array(record.length);
    file.seekSync(record.start, Deno.SeekMode.Start);
    let got = 0;
    while (got < bytes.length) {
      const n = file.readSync(bytes.subarray(got));
      if (n === null) return false;
      got += n;
    }
    return ledgerHash(bytes) === record.hash;
  } catch {
    return false;
  } finally {
    file?.close();
  }
}

/**
 * Opens (or creates) the ledger of `account`.
 *
 * Requires read/write access to `<purpleDir>/pidgin`.
 */
export function openMessageLedger(
  purpleDir: string,
  account: string,
): MessageLedger {
  const file = accountStatePath(purpleDir, account, "ledger");
  const ids = new Set<string>();
  /** The times of each timed id's key (see SAME_MESSAGE_WITHIN_S). */
  const timed = new Map<string, number[]>();
  const add = (id: string) => {
    if (ids.has(id)) return;
    ids.add(id);
    const t = timedId(id);
    if (!t) return;
    const times = timed.get(t[0]);
    if (times) times.push(t[1]);
    else timed.set(t[0], [t[1]]);
  };
  const remove = (id: string) => {
    if (!ids.delete(id)) return;
    const t = timedId(id);
    if (!t) return;
    const times = timed.get(t[0]);
    const i = times?.indexOf(t[1]) ?? -1;
    if (i >= 0) times!.splice(i, 1);
    if (times?.length === 0) timed.delete(t[0]);
  };
  let cursor: string | undefined;
  let handle: Deno.FsFile;
  /** How far we have read the file: what other processes append after it is read before use. */
  let readTo = 0;
  let pending = "";
  /** How deep in `exclusive`: inside it the lock is already held. */
  let held = 0;
  /** Whether another process replaced the file (compacted it) since we opened ours. */
  const replaced = () => Deno.statSync(file).ino !== handle.statSync().ino;
  const lock = (exclusive: boolean) => {
    if (held > 0) return;
    handle.lockSync(exclusive);
    // Our handle would lock and read a file no one else uses any more:
    // open the new one and read it from the start (the ids are a set).
    while (replaced()) {
      handle.unlockSync();
      handle.close();
      handle = Deno.openSync(file, { read: true, append: true });
      handle.lockSync(exclusive);
      readTo = 0;
      pending = "";
    }
  };
  const unlock = () => {
    if (held === 0) handle.unlockSync();
  };

  const apply = (record: LedgerRecord) => {
    for (const id of record.ids) add(id);
    if (record.cursor) cursor = record.cursor;
    if (ids.size > KEEP) {
      const drop = ids.size - KEEP;
      const oldest: string[] = [];
      for (const id of ids) {
        if (oldest.length >= drop) break;
        oldest.push(id);
      }
      for (const id of oldest) remove(id);
    }
  };

  /** Reads what was appended since `readTo` (by us or another process). */
  const catchUp = () => {
    const size = handle.statSync().size;
    if (size <= readTo) return;
    const bytes = new Uint8Array(size - readTo);
    handle.seekSync(readTo, Deno.SeekMode.Start);
    let got = 0;
    while (got < bytes.length) {
      const n = handle.readSync(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    readTo += got;
    const text = pending + decoder.decode(bytes.subarray(0, got));
    const lines = text.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const record = parseLine(line);
      if (record) apply(record);
    }
  };

  try {
    Deno.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    handle = Deno.openSync(file, {
      read: true,
      append: true,
      create: true,
      mode: 0o600,
    });
    lock(true);
    try {
      const text = decoder.decode(Deno.readFileSync(file));
      const records = text.split("\n").flatMap((line) => parseLine(line) ?? []);
      // A record whose log write never happened (killed in between) is not true.
      const verified = records.map((r, i) =>
        i < records.length - VERIFY || written(r) ? r : undefined
      );
      const kept = verified.filter((r): r is LedgerRecord => r !== undefined);
      for (const r of kept) apply(r);
      if (kept.length !== records.length || text.length > COMPACT_BYTES) {
        rewrite(file, ids, cursor);
        handle.close();
        handle = Deno.openSync(file, { read: true, append: true });
        lock(true);
      }
      readTo = handle.statSync().size;
    } finally {
      handle.unlockSync();
    }
  } catch (err) {
    throw fsError(`Cannot open the message ledger "${file}"`, err);
  }

  return {
    has(id) {
      const t = timedId(id);
      if (!t) return ids.has(id);
      return timed.get(t[0])?.some((s) =>
        Math.abs(s - t[1]) <= SAME_MESSAGE_WITHIN_S
      ) ?? false;
    },
    refresh() {
      try {
        if (handle.statSync().size <= readTo && !replaced()) return;
        lock(false);
        try {
          catchUp();
        } finally {
          unlock();
        }
      } catch (err) {
        throw fsError(`Cannot read the message ledger "${file}"`, err);
      }
    },
    record(record) {
      try {
        lock(true);
        try {
          catchUp();
          const line = encoder.encode(JSON.stringify(record) + "\n");
          let off = 0;
          while (off < line.length) off += handle.writeSync(line.subarray(off));
          readTo += line.length;
          apply(record);
        } finally {
          unlock();
        }
      } catch (err) {
        throw fsError(`Cannot write the message ledger "${file}"`, err);
      }
    },
    exclusive(fn) {
      try {
        lock(true);
        catchUp();
      } catch (err) {
        if (held === 0) {
          try {
            handle.unlockSync();
          } catch { /* not locked */ }
        }
        throw fsError(`Cannot read the message ledger "${file}"`, err);
      }
      held++;
      try {
        return fn();
      } finally {
        held--;
        unlock();
      }
    },
    forget(forgotten) {
      for (const id of forgotten) remove(id);
    },
    cursor() {
      try {
        lock(false);
        try {
          catchUp();
        } finally {
          unlock();
        }
      } catch {
        // What we know is still a cursor.
      }
      return cursor;
    },
    close() {
      try {
        handle.close();
      } catch { /* closed */ }
    },
  };
}

/** Writes the ledger anew with what is known: one record, atomically. */
function rewrite(file: string, ids: Set<string>, cursor: string | undefined) {
  const record: LedgerRecord = {
    path: "",
    start: 0,
    length: 0,
    hash: "",
    ids: [...ids],
    cursor,
  };
  replaceFileSync(file, encoder.encode(JSON.stringify(record) + "\n"));
}
