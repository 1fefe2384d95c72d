/**
 * Cuts the bytes of a log file into entries with their byte ranges, by the
 * same rules the reader uses (log_parse.ts): in txt the writer's boundary
 * records where there are any, else a line starting with a timestamp starts
 * an entry and other lines continue it; in html one entry per line. Only
 * whole lines are taken: a last line without its newline is still being
 * written. A huge entry is cut at {@linkcode MAX_TEXT} for the index; its
 * range is kept whole.
 */
import type { EntryBounds, EntryKind } from "./log_bounds.ts";
import type { EntryClock } from "./_entry_time.ts";
import {
  fromRecord,
  htmlEntry,
  htmlParts,
  isHtmlFrame,
  type ParsedEntry,
  render,
  splitTxt,
  STAMP,
  TXT_HEADER,
} from "./log_parse.ts";

/** At most this many bytes of one entry are read for the index and for a hit. */
export const MAX_TEXT = 64 << 10;

const KINDS: EntryKind[] = ["message", "action", "error", "system"];

/** The kind as stored: its index in `message, action, error, system`, 4 for none. */
export function kindCode(kind: EntryKind | undefined): number {
  return kind === undefined ? 4 : KINDS.indexOf(kind);
}

/** The kind a stored code stands for. */
export function kindOf(code: number): EntryKind | undefined {
  return KINDS[code];
}

/** One entry found in a file. */
export interface ScannedEntry {
  /** Byte range in the file. */
  start: number;
  end: number;
  /** When it was written, seconds since the epoch. */
  time: number;
  /** What the index is given: the message text. */
  text: string;
  /** For a txt entry split by the writer's record: 1 + kind + 4 × name bytes. */
  info?: number;
}

/** What a scan found, and where the next one starts. */
export interface ScanResult {
  entries: ScannedEntry[];
  /** File offset after the last whole line looked at. */
  end: number;
}

const decoder = new TextDecoder();

function decodeCapped(bytes: Uint8Array, from: number, to: number): string {
  return decoder.decode(bytes.subarray(from, Math.min(to, from + MAX_TEXT)));
}

/**
 * The message text of an entry: its body, or for an action in Pidgin's
 * txt (where the name cannot be told from the words) all after `***`.
 */
export function bodyOf(e: ParsedEntry): string {
  if (e.body !== undefined) return e.body;
  if (e.kind === "action") {
    const m = STAMP.exec(e.text);
    if (m) return e.text.slice(m[0].length + 3);
  }
  return e.text;
}

const indexText = bodyOf;

/** The entry a record describes, when it fits the bytes; cut to {@linkcode MAX_TEXT}. */
function recorded(
  bytes: Uint8Array,
  at: number,
  b: EntryBounds,
  base: number,
): ParsedEntry | undefined {
  const end = b.end - base;
  if (end - at <= MAX_TEXT) return fromRecord(bytes.subarray(at, end), b);
  if (bytes[end - 1] !== 0x0a) return undefined;
  const head = new Uint8Array(MAX_TEXT + 1);
  head.set(bytes.subarray(at, at + MAX_TEXT));
  head[MAX_TEXT] = 0x0a;
  return fromRecord(head, b);
}

/**
 * Scans txt bytes (`bytes[0]` is file offset `base`) for entries.
 * `bounds` are the writer's records of this file.
 */
export function scanTxt(
  bytes: Uint8Array,
  base: number,
  bounds: EntryBounds[],
  clock: EntryClock,
): ScanResult {
  const starts = new Map<number, EntryBounds>();
  for (const b of bounds) if (b.start >= base) starts.set(b.start - base, b);
  const entries: ScannedEntry[] = [];
  let open: { start: number; end: number; text: string } | undefined;
  const flush = () => {
    if (!open) return;
    const e = splitTxt(open.text);
    if (e.text !== "") {
      entries.push({
        start: base + open.start,
        end: base + open.end,
        time: clock.at(e.time),
        text: indexText(e),
      });
    }
    open = undefined;
  };
  let at = 0;
  while (at < bytes.length) {
    const record = starts.get(at);
    if (record && record.end - base <= bytes.length) {
      const e = recorded(bytes, at, record, base);
      if (e) {
        flush();
        entries.push({
          start: base + at,
          end: record.end,
          time: clock.at(e.time),
          text: indexText(e),
          info: 1 + kindCode(e.kind) + 4 * (record.nameBytes ?? 0),
        });
        at = record.end - base;
        continue;
      }
    }
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) break; // still being written
    const line = decodeCapped(bytes, at, nl);
    if (TXT_HEADER.test(line)) {
      flush();
    } else if (STAMP.test(line) || !open) {
      flush();
      open = { start: at, end: nl + 1, text: line };
    } else {
      if (open.text.length < MAX_TEXT) open.text += `\n${line}`;
      open.end = nl + 1;
    }
    at = nl + 1;
  }
  flush();
  return { entries, end: base + at };
}

/** Scans html bytes (`bytes[0]` is file offset `base`): one entry per line. */
export function scanHtml(
  bytes: Uint8Array,
  base: number,
  clock: EntryClock,
): ScanResult {
  const entries: ScannedEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) break;
    const line = decodeCapped(bytes, at, nl);
    if (!isHtmlFrame(line)) {
      // Only the message text is indexed: the whole line is rendered only
      // when it is of no known format.
      const parts = htmlParts(line);
      const text = parts?.body ?? render(line);
      if (parts || text.trim() !== "") {
        entries.push({
          start: base + at,
          end: base + nl + 1,
          time: clock.at(parts?.time),
          text,
        });
      }
    }
    at = nl + 1;
  }
  return { entries, end: base + at };
}

/** Reads back one stored entry from its bytes (cut to {@linkcode MAX_TEXT}). */
export function parseStored(
  bytes: Uint8Array,
  format: "txt" | "html",
  info: number | null,
  start: number,
  length: number,
): ParsedEntry | undefined {
  if (format === "html") {
    let line = decoder.decode(bytes);
    if (line.endsWith("\n")) line = line.slice(0, -1);
    return line.startsWith("<") ? htmlEntry(line) : undefined;
  }
  if (bytes[0] === undefined) return undefined;
  if (info) {
    const record: EntryBounds = {
      start,
      end: start + length,
      kind: kindOf((info - 1) % 4)!,
      nameBytes: Math.floor((info - 1) / 4),
    };
    let whole = bytes;
    if (bytes.length !== length) {
      whole = new Uint8Array(Math.min(bytes.length, MAX_TEXT) + 1);
      whole.set(bytes.subarray(0, MAX_TEXT));
      whole[whole.length - 1] = 0x0a;
    }
    return fromRecord(whole, { ...record, end: start + whole.length });
  }
  let text = decoder.decode(bytes);
  if (text.endsWith("\n")) text = text.slice(0, -1);
  return splitTxt(text);
}
