/**
 * Brings the index up to date with a {@linkcode Plan}: new files are
 * indexed from the start, grown files from where indexing stopped (after
 * checking that the bytes before that point are still the ones indexed),
 * and a file that shrank, was replaced or changed before that point is
 * indexed again from the start, its old messages marked removed. Cost is
 * proportional to what changed. Runs under the index's update lock.
 */
import type { DatabaseSync } from "node:sqlite";
import { join, resolve, sep } from "node:path";
import { EntryClock, fileClock } from "./_entry_time.ts";
import {
  type ConvDir,
  LIVE_DAYS,
  LOG_FILE,
  type Plan,
  RACY_MS,
} from "./_index_walk.ts";
import { type FileState, IndexWriter, metaWords } from "./_index_write.ts";
import { MAX_TEXT, scanHtml, type ScanResult, scanTxt } from "./_log_scan.ts";
import { type EntryBounds, parseBounds } from "./log_bounds.ts";
import { STAMP, TXT_HEADER } from "./log_parse.ts";
import { folderName } from "./paths.ts";

/** How indexing goes, for a progress display. */
export interface IndexProgress {
  phase: "waiting" | "indexing";
  /** Bytes of log files indexed so far, and to index in all. */
  bytesDone: number;
  bytesTotal: number;
  /** Files to index in all. */
  files: number;
}

/** What an update did. */
export interface UpdateStats {
  files: number;
  bytes: number;
  entries: number;
}

/** Beyond this offset a file is not indexed (offsets are stored in 32 bits). */
const MAX_OFFSET = 2 ** 32 - 1;

/** At most this much of a file is read at once. */
const WINDOW = 32 << 20;

interface FileRow {
  id: number;
  name: string;
  ino: number;
  size: number;
  mtime: number;
  done: number;
  checksum: number;
  latest: number;
  last_start: number | null;
  last_id: number | null;
  lo: number | null;
  hi: number | null;
  live: number;
}

interface Work {
  /** The file's row, made before indexing starts for a new file. */
  id?: number;
  dir: ConvDir;
  conv: { id: number; meta: string };
  row?: FileRow;
  name: string;
  size: number;
  opened: number;
  live: boolean;
}

/** A folder name as the name it stands for: `%xx` escapes decoded, `.chat` (a room) taken off. */
export function decodeFolder(folder: string): string {
  const bare = folder.endsWith(".chat") ? folder.slice(0, -5) : folder;
  const bytes: number[] = [];
  for (let i = 0; i < bare.length; i++) {
    const hex = bare[i] === "%" ? bare.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(bare[i]!));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
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

/** A fingerprint of the 256 bytes before `end`, to tell that they did not change. */
function checksumAt(file: Deno.FsFile, end: number): number {
  const from = Math.max(0, end - 256);
  return fnv(readAt(file, from, end - from));
}

/** Applies `plan`; `now` in ms. */
export function applyPlan(
  db: DatabaseSync,
  purpleDir: string,
  plan: Plan,
  now: number,
  onProgress?: (p: IndexProgress) => void,
): UpdateStats {
  const writer = new IndexWriter(db);
  const accountIds = new Map<string, number>();
  const account = (dir: ConvDir): number => {
    const key = `${dir.protocol}\0${dir.account}`;
    let id = accountIds.get(key);
    if (id !== undefined) return id;
    db.prepare(
      "INSERT INTO accounts(protocol, folder, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(dir.protocol, dir.account, decodeFolder(dir.account));
    id = Number(
      (db.prepare("SELECT id FROM accounts WHERE protocol = ? AND folder = ?")
        .get(dir.protocol, dir.account) as { id: number }).id,
    );
    accountIds.set(key, id);
    return id;
  };
  const convs = new Map<string, { id: number; meta: string }>();
  const convOf = (dir: ConvDir) => {
    const key = `${dir.protocol}\0${dir.account}\0${dir.folder}`;
    const known = convs.get(key);
    if (known) return known;
    const acc = account(dir);
    const room = dir.folder.endsWith(".chat");
    db.prepare(
      "INSERT INTO convs(account, folder, name, room) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(acc, dir.folder, decodeFolder(dir.folder), room ? 1 : 0);
    const id = Number(
      (db.prepare("SELECT id FROM convs WHERE account = ? AND folder = ?")
        .get(acc, dir.folder) as { id: number }).id,
    );
    const conv = { id, meta: metaWords(id, room) };
    convs.set(key, conv);
    return conv;
  };
  const forgetFile = (
    row: { id: number; lo: number | null; hi: number | null },
  ) => {
    writer.forget(row.id, row.lo, row.hi);
    db.prepare("DELETE FROM files WHERE id = ?").run(row.id);
  };
  const racy = (mtime: number) => now - mtime < RACY_MS ? 0 : mtime;
  const liveSince = now - LIVE_DAYS * 86_400_000;

  // Conversations whose folder is gone.
  for (const conv of plan.gone) {
    for (
      const row of db.prepare("SELECT id, lo, hi FROM files WHERE conv = ?")
        .all(conv) as unknown as FileRow[]
    ) forgetFile(row);
    db.prepare("DELETE FROM convs WHERE id = ?").run(conv);
  }
  const work: Work[] = [];
  const convMtimes: [number, number][] = [];
  for (const dir of plan.dirs) {
    const conv = convOf(dir);
    const rows = new Map(
      (db.prepare("SELECT * FROM files WHERE conv = ?").all(
        conv.id,
      ) as unknown as FileRow[])
        .map((r) => [r.name, r]),
    );
    const found: { name: string; info: Deno.FileInfo }[] = [];
    try {
      for (const e of Deno.readDirSync(dir.path)) {
        if (!e.isFile || !LOG_FILE.test(e.name)) continue;
        try {
          found.push({
            name: e.name,
            info: Deno.lstatSync(join(dir.path, e.name)),
          });
        } catch {
          // removed meanwhile
        }
      }
    } catch {
      // The folder went away meanwhile: its files are forgotten below.
    }
    const newest = Math.max(0, ...found.map((f) => fileClock(f.name).opened));
    for (const { name, info } of found) {
      const row = rows.get(name);
      rows.delete(name);
      const mtime = info.mtime?.getTime() ?? 0;
      const opened = fileClock(name).opened;
      const live = opened === newest || mtime > liveSince || racy(mtime) === 0;
      if (
        row && row.size === info.size && row.mtime === mtime &&
        row.mtime !== 0 &&
        row.ino === (info.ino ?? 0)
      ) {
        if (Boolean(row.live) !== live) {
          db.prepare("UPDATE files SET live = ? WHERE id = ?").run(
            live ? 1 : 0,
            row.id,
          );
        }
        continue;
      }
      work.push({ dir, conv, row, name, size: info.size, opened, live });
    }
    for (const row of rows.values()) forgetFile(row);
    convMtimes.push([conv.id, racy(dir.mtime)]);
  }
  for (const { dir, file } of plan.files) {
    const row = db.prepare("SELECT * FROM files WHERE id = ?").get(file.id) as
      | FileRow
      | undefined;
    if (!row) continue;
    let size = 0;
    try {
      size = Deno.lstatSync(join(dir.path, file.name)).size;
    } catch {
      size = 0; // gone: indexing finds it missing and forgets it
    }
    work.push({
      dir,
      conv: convOf(dir),
      row,
      name: file.name,
      size,
      opened: fileClock(file.name).opened,
      live: true,
    });
  }
  work.sort((a, b) => a.opened - b.opened);
  // New files get their rows in one transaction, not one each.
  const addFile = db.prepare(
    "INSERT INTO files(conv, name, format) VALUES (?, ?, ?) RETURNING id",
  );
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const w of work) {
      if (w.row) continue;
      const format = w.name.endsWith(".txt") ? "txt" : "html";
      w.id = Number(
        (addFile.get(w.conv.id, w.name, format) as { id: number }).id,
      );
    }
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  const progress: IndexProgress = {
    phase: "indexing",
    bytesDone: 0,
    bytesTotal: work.reduce(
      (n, w) => n + Math.max(0, w.size - (w.row?.done ?? 0)),
      0,
    ),
    files: work.length,
  };
  if (work.length) onProgress?.(progress);
  // A big build inserts faster with a bigger page cache.
  if (progress.bytesTotal > 16 << 20) db.exec("PRAGMA cache_size = -65536");
  for (const w of work) {
    const before = progress.bytesDone;
    indexFile(db, writer, purpleDir, w, racy, (bytes) => {
      progress.bytesDone = before + bytes;
      onProgress?.(progress);
    });
    if (writer.full) writer.flush();
  }
  writer.flush();
  db.exec("PRAGMA cache_size = -8000");
  const setMtime = db.prepare("UPDATE convs SET mtime = ? WHERE id = ?");
  for (const [id, mtime] of convMtimes) setMtime.run(mtime, id);
  if (plan.sweep) {
    db.prepare("UPDATE meta SET value = ? WHERE key = 'swept'").run(now);
  }
  return {
    files: work.length,
    bytes: progress.bytesDone,
    entries: writer.written,
  };
}

/** The writer's boundary records of a txt log of ours; none for other files. */
function boundsOf(
  purpleDir: string,
  dir: ConvDir,
  name: string,
): EntryBounds[] {
  if (dir.protocol !== "jabber" || !name.endsWith(".txt")) return [];
  const state = resolve(purpleDir, "pidgin");
  const path = resolve(
    state,
    dir.account,
    "log_bounds",
    dir.folder,
    folderName(name),
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

function scan(
  format: "txt" | "html",
  bytes: Uint8Array,
  base: number,
  bounds: EntryBounds[],
  clock: EntryClock,
): ScanResult {
  return format === "txt"
    ? scanTxt(bytes, base, bounds, clock)
    : scanHtml(bytes, base, clock);
}

/** Where the newline ending the line that starts at `from` is, or -1. */
function findNewline(file: Deno.FsFile, from: number, size: number): number {
  for (let at = from; at < size; at += 1 << 20) {
    const chunk = readAt(file, at, Math.min(1 << 20, size - at));
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) return at + nl;
    if (chunk.length === 0) break;
  }
  return -1;
}

function indexFile(
  db: DatabaseSync,
  writer: IndexWriter,
  purpleDir: string,
  w: Work,
  racy: (mtime: number) => number,
  onBytes: (bytes: number) => void,
): void {
  const path = join(w.dir.path, w.name);
  const format = w.name.endsWith(".txt") ? "txt" : "html";
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
    // Gone, replaced by something else, or unreadable: nothing of it is searchable.
    if (w.row) writer.forget(w.row.id, w.row.lo, w.row.hi);
    const gone = w.row?.id ?? w.id;
    if (gone !== undefined) {
      db.prepare("DELETE FROM files WHERE id = ?").run(gone);
    }
    return;
  }
  using _ = file;
  const id = w.row?.id ?? w.id!;
  // Our writer appends a txt entry and its boundary record under an
  // exclusive lock: under a shared one, the size and the records agree.
  let bounds: EntryBounds[] = [];
  let size: number;
  if (format === "txt") {
    file.lockSync(false);
    try {
      size = file.statSync().size;
      bounds = boundsOf(purpleDir, w.dir, w.name);
    } finally {
      file.unlockSync();
    }
  } else size = info.size;
  size = Math.min(size, MAX_OFFSET); // offsets are stored in 32 bits
  const row = w.row;
  const ino = info.ino ?? 0;
  const state: FileState = {
    id,
    ino,
    size,
    mtime: racy(info.mtime?.getTime() ?? 0),
    done: 0,
    checksum: 0,
    latest: 0,
    lastStart: null,
    lastId: null,
    lo: null,
    hi: null,
    live: w.live,
  };
  const clockOf = fileClock(w.name);
  let clock = new EntryClock(clockOf);
  let pos = 0;
  if (
    row && row.ino === ino && row.done > 0 && size >= row.done &&
    checksumAt(file, row.done) === row.checksum
  ) {
    Object.assign(state, {
      done: row.done,
      checksum: row.checksum,
      latest: row.latest,
      lastStart: row.last_start,
      lastId: row.last_id,
      lo: row.lo,
      hi: row.hi,
    });
    pos = row.done;
    clock = new EntryClock(clockOf, row.latest);
    if (
      format === "txt" && row.last_id !== null && row.last_start !== null &&
      pos < size
    ) {
      // A line without a timestamp continues the last entry: index it again, whole.
      const head = new TextDecoder().decode(
        readAt(file, pos, Math.min(256, size - pos)),
      );
      if (!STAMP.test(head) && !TXT_HEADER.test(head.split("\n")[0]!)) {
        writer.forget(id, row.last_id, row.last_id);
        pos = row.last_start;
      }
    }
  } else if (row) {
    writer.forget(id, row.lo, row.hi);
  }
  const from = pos;
  while (pos < size) {
    const n = Math.min(WINDOW, size - pos);
    const bytes = readAt(file, pos, n);
    let result = scan(format, bytes, pos, bounds, clock);
    if (result.end === pos) {
      if (bytes.length < WINDOW) break; // the last line is still being written
      // A line longer than a window: index its beginning, skip to its end.
      const nl = findNewline(file, pos + WINDOW, size);
      if (nl < 0) break;
      const head = new Uint8Array(MAX_TEXT + 1);
      head.set(bytes.subarray(0, MAX_TEXT));
      head[MAX_TEXT] = 0x0a;
      result = scan(format, head, pos, [], clock);
      for (const e of result.entries) e.end = nl + 1;
      result.end = nl + 1;
    } else if (
      format === "txt" && pos + bytes.length < size && result.entries.length > 1
    ) {
      // The window may end inside an entry: the next one starts with it.
      const last = result.entries.pop()!;
      result.end = last.start;
    }
    writer.add(id, w.conv.meta, result.entries);
    const windowStart = pos;
    pos = result.end;
    state.done = pos;
    state.latest = clock.latest;
    // The bytes before `pos` are in this window unless it was a huge line.
    state.checksum = pos - windowStart <= bytes.length &&
        (pos - 256 >= windowStart || windowStart === 0)
      ? fnv(
        bytes.subarray(Math.max(0, pos - 256 - windowStart), pos - windowStart),
      )
      : checksumAt(file, pos);
    writer.setState(state);
    onBytes(pos - from);
    if (writer.full) writer.flush();
  }
  if (pos === from) {
    state.done = pos;
    state.latest = clock.latest;
    state.checksum = checksumAt(file, pos);
  }
  writer.setState(state);
}
