/**
 * Where each indexed message is, kept compactly: a span is a run of up to
 * {@linkcode SPAN_ENTRIES} messages of one file, in rowid order, at most
 * {@linkcode SPAN_EXTENT} seconds of rowids wide, stored as one row
 * (`spans`: first rowid, last rowid, file, count, data) whose data are
 * varints per message: rowid step, offset (zigzag, from the end of the
 * previous one), length (0: removed), the txt record info, and how much
 * earlier than its rowid it was written. About 5 bytes a message, where a
 * row per message costs 20, and one insert per span instead of one per
 * message. A message is found by its rowid among the spans starting at most
 * {@linkcode SPAN_EXTENT} before it.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

export const SPAN_ENTRIES = 256;
export const SPAN_EXTENT = 2 * 86_400;

/** One message as a span holds it. */
export interface SpanEntry {
  id: number;
  off: number;
  /** 0 for a message removed from the index (its rowid stays taken). */
  len: number;
  info: number;
  /** When it was written, seconds. */
  time: number;
}

function putVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

/** Encodes entries (in rowid order, all of one file). */
export function encodeSpan(entries: SpanEntry[]): Uint8Array {
  const out: number[] = [];
  let id = entries[0]!.id;
  let end = 0;
  for (const e of entries) {
    putVarint(out, e.id - id);
    const d = e.off - end;
    putVarint(out, d >= 0 ? d * 2 : -d * 2 - 1);
    putVarint(out, e.len);
    putVarint(out, e.info);
    putVarint(out, e.id - e.time);
    id = e.id;
    end = e.off + e.len;
  }
  return Uint8Array.from(out);
}

/** Decodes a span starting at rowid `lo`. */
export function decodeSpan(lo: number, data: Uint8Array): SpanEntry[] {
  const entries: SpanEntry[] = [];
  let at = 0;
  const next = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = data[at++];
      if (b === undefined) throw new RangeError("Truncated span");
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  };
  let id = lo;
  let end = 0;
  while (at < data.length) {
    id += next();
    const z = next();
    const off = end + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    const len = next();
    const info = next();
    const time = id - next();
    entries.push({ id, off, len, info, time });
    end = off + len;
  }
  return entries;
}

/** Finds messages by rowid; one prepared statement, reused. */
export class SpanLookup {
  #stmt: StatementSync;
  #cache = new Map<number, { file: number | null; entries: SpanEntry[] }>();

  constructor(db: DatabaseSync) {
    this.#stmt = db.prepare(
      "SELECT lo, file, data FROM spans WHERE lo BETWEEN ? AND ? AND hi >= ? ORDER BY lo DESC",
    );
  }

  /** The file id and entry of rowid `id`; undefined when it is not (or no longer) indexed. */
  find(id: number): { file: number; entry: SpanEntry } | undefined {
    const rows = this.#stmt.all(id - SPAN_EXTENT, id, id) as {
      lo: number;
      file: number | null;
      data: Uint8Array;
    }[];
    for (const row of rows) {
      let span = this.#cache.get(row.lo);
      if (!span) {
        span = { file: row.file, entries: decodeSpan(row.lo, row.data) };
        // Hits of one page mostly share a few spans; keep only the last ones.
        if (this.#cache.size >= 32) this.#cache.clear();
        this.#cache.set(row.lo, span);
      }
      const entry = span.entries.find((e) => e.id === id);
      if (!entry) continue;
      if (span.file === null || entry.len === 0) return undefined;
      return { file: span.file, entry };
    }
    return undefined;
  }
}

/** The rowids already taken near `ids` (sorted), from the spans around them. */
export function takenNear(db: DatabaseSync, ids: number[]): Set<number> {
  const taken = new Set<number>();
  const stmt = db.prepare(
    "SELECT lo, data FROM spans WHERE lo BETWEEN ? AND ? AND hi >= ?",
  );
  let i = 0;
  while (i < ids.length) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1]! - ids[j]! < SPAN_EXTENT) j++;
    const lo = ids[i]!;
    const hi = ids[j]! + (j - i) + SPAN_ENTRIES;
    for (
      const row of stmt.all(lo - SPAN_EXTENT, hi, lo) as {
        lo: number;
        data: Uint8Array;
      }[]
    ) {
      for (const e of decodeSpan(row.lo, row.data)) taken.add(e.id);
    }
    i = j + 1;
  }
  return taken;
}
