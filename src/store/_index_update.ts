/**
 * Brings the index up to date with a {@linkcode Plan}: new files are
 * indexed from the start, grown files from where indexing stopped (after
 * checking that the bytes before that point are still the ones indexed),
 * and a file that shrank, was replaced or changed before that point is
 * indexed again from the start, its old messages marked removed. Cost is
 * proportional to what changed. Runs under the index's update lock.
 */
import type { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileClock } from "./_entry_time.ts";
import {
  type ConvDir,
  LIVE_DAYS,
  LOG_FILE,
  type Plan,
  RACY_MS,
} from "./_index_walk.ts";
import { type FileState, IndexWriter, metaWords } from "./_index_write.ts";
import { type ScanChunk, scanFile, type ScanRequest } from "./_scan_file.ts";
import { fsError } from "./_fs_error.ts";

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

/** Less than this to read is read on this thread; more in a worker, while this one writes. */
const INLINE_BYTES = 16 << 20;

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
  closed: number;
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

/** Applies `plan`; `now` in ms. */
export async function applyPlan(
  db: DatabaseSync,
  purpleDir: string,
  plan: Plan,
  now: number,
  onProgress?: (p: IndexProgress) => void,
): Promise<UpdateStats> {
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
      const live = mtime > liveSince || racy(mtime) === 0 ||
        (opened === newest && !row?.closed);
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
  const states = new Map<number, FileState>();
  let finished = 0;
  const handle = (chunk: ScanChunk) => {
    const w = work[chunk.seq]!;
    const id = w.row?.id ?? w.id!;
    if (chunk.gone) {
      if (w.row) writer.forget(id, w.row.lo, w.row.hi);
      db.prepare("DELETE FROM files WHERE id = ?").run(id);
      progress.bytesDone += Math.max(0, w.size - (w.row?.done ?? 0));
      return;
    }
    let state = states.get(chunk.seq);
    if (!state) {
      const row = w.row;
      state = {
        id,
        ino: 0,
        size: -1,
        mtime: 0,
        done: 0,
        checksum: 0,
        latest: 0,
        lastStart: row?.last_start ?? null,
        lastId: row?.last_id ?? null,
        lo: row?.lo ?? null,
        hi: row?.hi ?? null,
        live: w.live,
      };
      states.set(chunk.seq, state);
      if (row && chunk.forget === "all") {
        writer.forget(id, row.lo, row.hi);
        Object.assign(state, {
          lo: null,
          hi: null,
          lastStart: null,
          lastId: null,
        });
      } else if (row && chunk.forget === "last" && row.last_id !== null) {
        writer.forget(id, row.last_id, row.last_id);
      }
    }
    const before = state.done || (w.row?.done ?? 0);
    writer.add(id, w.conv.meta, chunk);
    state.done = chunk.done;
    state.checksum = chunk.checksum;
    state.latest = chunk.latest;
    if (chunk.final) {
      Object.assign(state, chunk.final);
      // A closed html log stays looked at only while it is recent.
      if (
        chunk.final.closed && chunk.final.mtime !== 0 &&
        chunk.final.mtime <= liveSince
      ) {
        state.live = false;
      }
      states.delete(chunk.seq);
      finished++;
    }
    writer.setState(state);
    progress.bytesDone += Math.max(0, chunk.done - before);
    onProgress?.(progress);
    if (writer.full) writer.flush();
  };
  const requests: ScanRequest[] = work.map((w, seq) => ({
    seq,
    purpleDir,
    protocol: w.dir.protocol,
    account: w.dir.account,
    folder: w.dir.folder,
    name: w.name,
    row: w.row && {
      ino: w.row.ino,
      done: w.row.done,
      checksum: w.row.checksum,
      latest: w.row.latest,
      lastStart: w.row.last_start,
      lastId: w.row.last_id,
    },
    now,
  }));
  if (progress.bytesTotal < INLINE_BYTES) {
    for (const r of requests) scanFile(r, handle);
  } else {
    await scanInWorker(
      requests,
      work.map((w) => Math.max(0, w.size - (w.row?.done ?? 0))),
      handle,
    );
  }
  void finished;
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

/** How many bytes of files the worker may read ahead of what is written. */
const AHEAD = 96 << 20;

/**
 * Reads the files of `requests` in a worker and hands their chunks to
 * `handle` in order. The worker reads up to {@linkcode AHEAD} bytes ahead,
 * so it keeps reading while this thread writes a batch.
 */
async function scanInWorker(
  requests: ScanRequest[],
  sizes: number[],
  handle: (chunk: ScanChunk) => void,
): Promise<void> {
  const worker = new Worker(
    new URL("./_scan_worker.ts", import.meta.url).href,
    {
      type: "module",
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let done = 0;
      let ahead = 0;
      const feed = () => {
        const start = sent;
        while (sent < requests.length && (ahead < AHEAD || sent === start)) {
          ahead += sizes[sent]! + 4096;
          sent++;
        }
        if (sent > start) worker.postMessage(requests.slice(start, sent));
      };
      worker.onmessage = (
        event: MessageEvent<ScanChunk & { error?: string }>,
      ) => {
        const chunk = event.data;
        if (chunk.error !== undefined) {
          const r = requests[chunk.seq]!;
          return reject(
            fsError(
              `Cannot read the chat log "${r.folder}/${r.name}"`,
              new Error(chunk.error),
            ),
          );
        }
        try {
          handle(chunk);
        } catch (err) {
          return reject(err);
        }
        if (chunk.final || chunk.gone) {
          done++;
          ahead -= sizes[chunk.seq]! + 4096;
          if (done === requests.length) resolve();
          else if (ahead < AHEAD / 2) feed();
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`The log reader stopped: ${event.message}`));
      };
      if (requests.length === 0) resolve();
      else feed();
    });
  } finally {
    worker.terminate();
  }
}
