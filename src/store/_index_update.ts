/**
 * Brings the index up to date with a {@linkcode Plan}: new files are
 * indexed from the start, grown files from where indexing stopped (after
 * checking that the bytes before that point are still the ones indexed),
 * and a file that shrank, was replaced or changed before that point is
 * indexed again from the start, its old messages marked removed. Cost is
 * proportional to what changed. Runs under the index's update lock.
 */
import type { DatabaseSync } from "node:sqlite";
import { collectWork } from "./_index_work.ts";
import type { Plan } from "./_index_walk.ts";
import { type FileState, IndexWriter } from "./_index_write.ts";
import { type ScanChunk, scanFile, type ScanRequest } from "./_scan_file.ts";
import { scanInWorker } from "./_scan_pool.ts";

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

/** Applies `plan`; `now` in ms. */
export async function applyPlan(
  db: DatabaseSync,
  purpleDir: string,
  plan: Plan,
  now: number,
  onProgress?: (p: IndexProgress) => void,
): Promise<UpdateStats> {
  const writer = new IndexWriter(db);
  const { work, convMtimes, liveSince } = collectWork(db, writer, plan, now);
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
