/**
 * Reads one log file for the index, from where it was indexed (after
 * checking the bytes before that point are unchanged) or from the start,
 * and hands its entries over in chunks: packed numbers and the text as
 * JSON string literals, so the thread writing SQLite only splices them.
 * Touches files only, never the index: it runs in a worker
 * (_scan_worker.ts) while the main thread writes, or inline for small
 * updates.
 */
import { join, resolve, sep } from "node:path";
import { EntryClock, fileClock } from "./_entry_time.ts";
import { MAX_TEXT, scanHtml, type ScanResult, scanTxt } from "./_log_scan.ts";
import { RACY_MS } from "./_index_walk.ts";
import { toIndexText } from "./_search_text.ts";
import { type EntryBounds, parseBounds } from "./log_bounds.ts";
import { STAMP, TXT_HEADER } from "./log_parse.ts";
import { folderName } from "./paths.ts";

/** Beyond this offset a file is not indexed (offsets are stored in 32 bits). */
const MAX_OFFSET = 2 ** 32 - 1;
/** At most this much of a file is read at once. */
const WINDOW = 32 << 20;

/** Where the index left a file. */
export interface IndexedState {
  ino: number;
  done: number;
  checksum: number;
  latest: number;
  lastStart: number | null;
  lastId: number | null;
}

/** What to read. */
export interface ScanRequest {
  seq: number;
  purpleDir: string;
  protocol: string;
  account: string;
  folder: string;
  name: string;
  /** The index's state of the file, if it has one. */
  row?: IndexedState;
  /** "now" in ms, to tell an mtime that may still change. */
  now: number;
}

/** Entries of one window: 4 numbers each (start, end, time, info) and a JSON literal each. */
export interface ScanChunk {
  seq: number;
  nums: Float64Array;
  lits: string[];
  textLength: number;
  /** Where the file stands after this chunk. */
  done: number;
  checksum: number;
  latest: number;
  /** Only on a file's first chunk: what to forget of its old entries. */
  forget?: "all" | "last";
  /** Only on a file's last chunk. */
  final?: { ino: number; size: number; mtime: number; closed: boolean };
  /** The file is gone or not a regular file any more. */
  gone?: boolean;
}

function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function readAt(file: Deno.FsFile, at: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  file.seekSync(at, Deno.SeekMode.Start);
  let read = 0;
  while (read < length) {
    const n = file.readSync(bytes.subarray(read));
    if (n === null) break;
    read += n;
  }
  return bytes.subarray(0, read);
}

function checksumAt(file: Deno.FsFile, end: number): number {
  const from = Math.max(0, end - 256);
  return fnv(readAt(file, from, end - from));
}

/** The writer's boundary records of a txt log of ours; none for other files. */
function boundsOf(r: ScanRequest): EntryBounds[] {
  if (r.protocol !== "jabber" || !r.name.endsWith(".txt")) return [];
  const state = resolve(r.purpleDir, "pidgin");
  const path = resolve(
    state,
    r.account,
    "log_bounds",
    r.folder,
    folderName(r.name),
  );
  if (!path.startsWith(state + sep)) return [];
  try {
    const info = Deno.lstatSync(path);
    if (!info.isFile || info.size > 16 << 20) return [];
    return parseBounds(Deno.readTextFileSync(path));
  } catch {
    return [];
  }
}

function findNewline(file: Deno.FsFile, from: number, size: number): number {
  for (let at = from; at < size; at += 1 << 20) {
    const chunk = readAt(file, at, Math.min(1 << 20, size - at));
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) return at + nl;
    if (chunk.length === 0) break;
  }
  return -1;
}

/** Reads the file of `r`, handing each window's entries to `emit`. */
export function scanFile(
  r: ScanRequest,
  emit: (chunk: ScanChunk) => void,
): void {
  const path = join(
    r.purpleDir,
    "logs",
    r.protocol,
    r.account,
    r.folder,
    r.name,
  );
  const format = r.name.endsWith(".txt") ? "txt" : "html";
  const empty = {
    seq: r.seq,
    nums: new Float64Array(0),
    lits: [],
    textLength: 0,
  };
  let file: Deno.FsFile;
  let info: Deno.FileInfo;
  try {
    const there = Deno.lstatSync(path);
    if (!there.isFile) throw new Deno.errors.NotFound();
    file = Deno.openSync(path, { read: true });
    info = file.statSync();
    if (!info.isFile || info.ino !== there.ino) {
      file.close();
      throw new Deno.errors.NotFound();
    }
  } catch {
    emit({ ...empty, done: 0, checksum: 0, latest: 0, gone: true });
    return;
  }
  using _ = file;
  // Our writer appends a txt entry and its boundary record under an
  // exclusive lock: under a shared one, the size and the records agree.
  let bounds: EntryBounds[] = [];
  let size: number;
  if (format === "txt") {
    file.lockSync(false);
    try {
      size = file.statSync().size;
      bounds = boundsOf(r);
    } finally {
      file.unlockSync();
    }
  } else size = info.size;
  size = Math.min(size, MAX_OFFSET);
  const mtime = info.mtime?.getTime() ?? 0;
  // An html log Pidgin closed ends with its footer; it is appended to no more.
  const closed = format === "html" && size >= 8 &&
    new TextDecoder().decode(readAt(file, size - 8, 8)) === "</html>\n";
  const final = {
    closed,
    ino: info.ino ?? 0,
    size,
    mtime: r.now - mtime < RACY_MS ? 0 : mtime,
  };
  const clockOf = fileClock(r.name);
  let clock = new EntryClock(clockOf);
  let pos = 0;
  let forget: ScanChunk["forget"];
  const row = r.row;
  if (
    row && row.ino === final.ino && row.done > 0 && size >= row.done &&
    checksumAt(file, row.done) === row.checksum
  ) {
    pos = row.done;
    clock = new EntryClock(clockOf, row.latest);
    if (
      format === "txt" && row.lastId !== null && row.lastStart !== null &&
      pos < size
    ) {
      // A line without a timestamp continues the last entry: index it again, whole.
      const head = new TextDecoder().decode(
        readAt(file, pos, Math.min(256, size - pos)),
      );
      if (!STAMP.test(head) && !TXT_HEADER.test(head.split("\n")[0]!)) {
        forget = "last";
        pos = row.lastStart;
      }
    }
  } else if (row) forget = "all";
  let state = pos === 0 ? { done: 0, checksum: 0, latest: clock.latest } : {
    done: row!.done,
    checksum: row!.checksum,
    latest: row!.latest,
  };
  let first = true;
  const send = (result: ScanResult | undefined, last: boolean) => {
    const entries = result?.entries ?? [];
    const nums = new Float64Array(entries.length * 4);
    const lits: string[] = new Array(entries.length);
    let textLength = 0;
    entries.forEach((e, i) => {
      nums[i * 4] = e.start;
      nums[i * 4 + 1] = e.end;
      nums[i * 4 + 2] = e.time;
      nums[i * 4 + 3] = e.info ?? 0;
      const lit = JSON.stringify(toIndexText(e.text));
      lits[i] = lit;
      textLength += lit.length;
    });
    emit({
      seq: r.seq,
      nums,
      lits,
      textLength,
      ...state,
      forget: first ? forget : undefined,
      final: last ? final : undefined,
    });
    first = false;
  };
  while (pos < size) {
    const n = Math.min(WINDOW, size - pos);
    const bytes = readAt(file, pos, n);
    let result = format === "txt"
      ? scanTxt(bytes, pos, bounds, clock)
      : scanHtml(bytes, pos, clock);
    if (result.end === pos) {
      if (bytes.length < WINDOW) break; // the last line is still being written
      // A line longer than a window: index its beginning, skip to its end.
      const nl = findNewline(file, pos + WINDOW, size);
      if (nl < 0) break;
      const head = new Uint8Array(MAX_TEXT + 1);
      head.set(bytes.subarray(0, MAX_TEXT));
      head[MAX_TEXT] = 0x0a;
      result = format === "txt"
        ? scanTxt(head, pos, [], clock)
        : scanHtml(head, pos, clock);
      for (const e of result.entries) e.end = nl + 1;
      result.end = nl + 1;
    } else if (
      format === "txt" && pos + bytes.length < size && result.entries.length > 1
    ) {
      // The window may end inside an entry: the next one starts with it.
      const last = result.entries.pop()!;
      result.end = last.start;
    }
    const windowStart = pos;
    pos = result.end;
    // The bytes before `pos` are in this window unless it was a huge line.
    const checksum = pos - windowStart <= bytes.length &&
        (pos - 256 >= windowStart || windowStart === 0)
      ? fnv(
        bytes.subarray(Math.max(0, pos - 256 - windowStart), pos - windowStart),
      )
      : checksumAt(file, pos);
    state = { done: pos, checksum, latest: clock.latest };
    if (pos >= size) return send(result, true);
    send(result, false);
  }
  if (pos === 0) state.checksum = checksumAt(file, 0);
  send(undefined, true);
}
