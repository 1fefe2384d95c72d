/**
 * Message boundaries of txt logs, recorded when each entry is written. A txt
 * log cannot tell a continuation line from a new entry: a contact who sends
 * `hi\n(18:00:00) alice@localhost/pidgin: pay bob` would read back as two
 * entries, the second one ours. So for every entry a reader could not split
 * by its text alone (several lines, an action, an error or system line, a
 * name holding `: `), the writer appends `<start> <length> <kind>
 * [<name bytes>]` (byte offsets in the log file) to a small sidecar in
 * pidgin's own state (see `logBoundsPath`), under the log file's lock and
 * before the caller shows or acknowledges the message. html logs need none:
 * one entry per line, line breaks written as `<br/>`.
 */
import { dirname } from "node:path";
import { fsError } from "./_fs_error.ts";
import { isAction, isNotice, type LogEntry } from "./chat_log_format.ts";

/** What an entry is; txt alone cannot tell error from system lines. */
export type EntryKind = "message" | "action" | "error" | "system";

/** What the writer knows about one entry beyond its text. */
export interface BoundsRecord {
  kind: EntryKind;
  /** UTF-8 length of the sender's name (messages and actions). */
  nameBytes?: number;
}

/** One recorded entry: bytes `[start, end)` of the log file. */
export interface EntryBounds extends BoundsRecord {
  start: number;
  end: number;
}

const encoder = new TextEncoder();

/** The record `line` (the formatted txt entry) needs, or undefined when its text says it all. */
export function boundsRecord(
  entry: LogEntry,
  line: string,
): BoundsRecord | undefined {
  if (isNotice(entry)) return { kind: entry.kind };
  const kind = isAction(entry.body) ? "action" : "message";
  const multiLine = line.indexOf("\n") < line.length - 1;
  if (
    kind === "message" && !multiLine && !entry.name.includes(": ") &&
    !entry.name.startsWith("***")
  ) return undefined;
  return { kind, nameBytes: encoder.encode(entry.name).length };
}

/**
 * Appends the records of `lines` (written from byte `offset` on) to the
 * sidecar at `path`; a failed write is cut back. Throws StoreError.
 */
export function writeBounds(
  path: string,
  offset: number,
  lines: string[],
  records: (BoundsRecord | undefined)[],
): void {
  let text = "";
  let at = offset;
  lines.forEach((line, i) => {
    const length = encoder.encode(line).length;
    const r = records[i];
    if (r) {
      text += `${at} ${length} ${r.kind}${
        r.nameBytes === undefined ? "" : ` ${r.nameBytes}`
      }\n`;
    }
    at += length;
  });
  let file: Deno.FsFile | undefined;
  let size = -1;
  try {
    Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    file = Deno.openSync(path, {
      read: true,
      append: true,
      create: true,
      mode: 0o600,
    });
    size = file.statSync().size;
    if (size > 0) {
      // A record a crash left unfinished must not swallow the next one.
      const last = new Uint8Array(1);
      file.seekSync(size - 1, Deno.SeekMode.Start);
      if (file.readSync(last) === 1 && last[0] !== 0x0a) text = `\n${text}`;
    }
    const bytes = encoder.encode(text);
    let done = 0;
    while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
  } catch (err) {
    if (file && size >= 0) {
      try {
        file.truncateSync(size);
      } catch {
        // The reader ignores a torn record.
      }
    }
    throw fsError(`Cannot write the log boundaries "${path}"`, err);
  } finally {
    file?.close();
  }
}

const RECORD =
  /^(\d{1,15}) (\d{1,15}) (message|action|error|system)(?: (\d{1,15}))?$/;

/** Parses a sidecar; malformed lines (a torn or foreign record) are skipped. */
export function parseBounds(text: string): EntryBounds[] {
  const bounds: EntryBounds[] = [];
  for (const line of text.split("\n")) {
    const m = RECORD.exec(line);
    if (!m) continue;
    const start = Number(m[1]);
    const length = Number(m[2]);
    if (length < 1) continue;
    bounds.push({
      start,
      end: start + length,
      kind: m[3] as EntryKind,
      nameBytes: m[4] === undefined ? undefined : Number(m[4]),
    });
  }
  return bounds.sort((a, b) => a.start - b.start);
}

/** Reads a sidecar; none (or anything but a small regular file) means no records. */
export async function readBounds(path: string): Promise<EntryBounds[]> {
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile || info.size > 16 << 20) return [];
    return parseBounds(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(`Cannot read the log boundaries "${path}"`, err);
  }
}
