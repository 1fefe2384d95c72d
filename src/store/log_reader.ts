/**
 * Reads Pidgin conversation logs (ours and Pidgin's, txt and html) back as
 * the entries Pidgin's log viewer shows. Reads the newest files first and
 * stops once it has enough, so years of logs cost what the last few files
 * cost; of a huge file only the end is read. Only regular files count:
 * a symbolic link, a directory or a device in the folder is passed over.
 */
import { join } from "node:path";
import { fsError } from "./_fs_error.ts";
import { readBounds } from "./log_bounds.ts";
import {
  type ParsedEntry,
  parseHtmlEntries,
  parseTxtEntries,
} from "./log_parse.ts";
import { conversationLogDir, logBoundsPath } from "./paths.ts";

/** One logged message (or status line) as the viewer shows it, and what can be read of it. */
export interface LoggedEntry extends ParsedEntry {
  /** The log file's name, e.g. `2026-11-25.181807+0100CET.txt`. */
  file: string;
}

/** Splits a txt log into entries' text; header lines (one per opening) are left out. */
export function parseTxtLog(text: string): string[] {
  return parseTxtEntries(new TextEncoder().encode(text)).map((e) => e.text);
}

/** Renders an html log's lines as plain-text entries, as Pidgin's viewer does. */
export function parseHtmlLog(text: string): string[] {
  return parseHtmlEntries(text).map((e) => e.text);
}

const FILE_TIME =
  /^(\d{4})-(\d\d)-(\d\d)\.(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)(\d\d))?/;

/**
 * When a log file was opened, from its name (`2026-11-25.122443-0500EST.txt`),
 * in ms since the epoch. A name without an offset is local time; one that is
 * not a date sorts first, as Pidgin's viewer puts it at 1970.
 */
export function logFileTime(name: string): number {
  const m = FILE_TIME.exec(name);
  if (!m) return 0;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!m[7]) return new Date(y, mo - 1, d, h, mi, s).getTime();
  const offset = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === "-" ? -1 : 1);
  return Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
}

/** At most this much of the end of one file is read. */
const TAIL_BYTES = 8 << 20;

/** The end of a regular file: its bytes from the first whole line, and where they start. */
async function readTail(
  path: string,
): Promise<{ bytes: Uint8Array; base: number } | undefined> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (!info.isFile) return undefined; // replaced since the folder was listed
  const base = Math.max(0, info.size - TAIL_BYTES);
  await file.seek(base, Deno.SeekMode.Start);
  const bytes = new Uint8Array(info.size - base);
  let read = 0;
  while (read < bytes.length) {
    const n = await file.read(bytes.subarray(read));
    if (n === null) break;
    read += n;
  }
  if (base === 0) return { bytes: bytes.subarray(0, read), base };
  const cut = bytes.indexOf(0x0a) + 1; // drop the partial first line
  return { bytes: bytes.subarray(cut, read), base: base + cut };
}

/**
 * When the oldest log of the conversation with `contact` was opened (by
 * pidgin or Pidgin), or `undefined` without logs.
 *
 * Requires read access to the profile's logs.
 */
export async function oldestLogTime(
  purpleDir: string,
  account: string,
  contact: string,
): Promise<Date | undefined> {
  const dir = conversationLogDir(purpleDir, account, contact);
  let oldest = Infinity;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !/\.(txt|html?)$/.test(entry.name)) continue;
      const time = logFileTime(entry.name);
      if (time > 0) oldest = Math.min(oldest, time);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(`Cannot read the chat logs in "${dir}"`, err);
  }
  return oldest === Infinity ? undefined : new Date(oldest);
}

/**
 * The last `limit` entries of the conversation with `contact`, oldest first.
 *
 * Requires read access to the profile's logs and `<profile>/pidgin`.
 */
export async function readRecentLog(
  purpleDir: string,
  account: string,
  contact: string,
  limit: number,
): Promise<LoggedEntry[]> {
  const dir = conversationLogDir(purpleDir, account, contact);
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /\.(txt|html?)$/.test(entry.name)) {
        files.push(entry.name);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(`Cannot read the chat logs in "${dir}"`, err);
  }
  files.sort((a, b) => logFileTime(a) - logFileTime(b) || a.localeCompare(b));
  const chunks: LoggedEntry[][] = []; // newest file first
  let count = 0;
  for (const file of files.reverse()) {
    if (count >= limit) break;
    const path = join(dir, file);
    let tail;
    try {
      tail = await readTail(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // removed meanwhile
      throw fsError(`Cannot read the chat log "${path}"`, err);
    }
    if (!tail) continue;
    const entries = file.endsWith(".txt")
      ? parseTxtEntries(
        tail.bytes,
        await readBounds(logBoundsPath(purpleDir, account, contact, file)),
        tail.base,
      )
      : parseHtmlEntries(new TextDecoder().decode(tail.bytes));
    // No spreading into a call: a file can hold more entries than a call takes arguments.
    const wanted = entries.slice(Math.max(0, entries.length - (limit - count)));
    chunks.push(wanted.map((e) => ({ file, ...e })));
    count += wanted.length;
  }
  return chunks.reverse().flat();
}
