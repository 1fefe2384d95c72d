/**
 * Pure parsing of Pidgin conversation logs into the entries Pidgin's log
 * viewer shows (`(06:18:07 PM) Bob: text`, html rendered to plain text),
 * with what can be read of each: time as written, name, body, kind and,
 * in html, direction.
 *
 * txt: where the writer recorded an entry's bytes (log_bounds.ts) the
 * record decides, so a body holding a forged `\n(18:00:00) alice: …` line
 * stays one entry; elsewhere (Pidgin's own files) a line that does not
 * start with a timestamp continues the entry before it, as Pidgin writes
 * multi-line messages. html: one entry per line, line breaks are `<br/>`.
 */
import { decodeHTML } from "entities";
import type { EntryBounds, EntryKind } from "./log_bounds.ts";

/** One entry as read back from a log. */
export interface ParsedEntry {
  /** As the viewer shows it: `(time) Name: text`, possibly over several lines. */
  text: string;
  /** The timestamp as written, without parentheses: `06:18:07 PM`. */
  time?: string;
  /** The sender's display name, for messages and actions where it can be told. */
  name?: string;
  /** The message (or action, or notice) text. */
  body?: string;
  kind?: EntryKind;
  /** html logs only: received (`in`) or sent (`out`); actions do not say. */
  direction?: "in" | "out";
}

/** A txt entry's timestamp: `(06:18:07 PM) `, `(11/25/2026 04:20:16 PM) `. */
export const STAMP =
  /^\(((?:\d\d?\/\d\d?\/\d\d(?:\d\d)? )?\d\d?:\d\d:\d\d(?: [AP]M)?)\) /;
/** The header line a txt log starts with (one per opening). */
export const TXT_HEADER =
  /^(?:Conversation with|System log for account) .* \([a-z]+\)$/;

/** Splits `(time) rest` of a plain txt entry by its text alone. */
export function splitTxt(text: string): ParsedEntry {
  const m = STAMP.exec(text);
  if (!m) return { text };
  const rest = text.slice(m[0].length);
  if (rest.startsWith("***")) return { text, time: m[1], kind: "action" };
  const colon = rest.indexOf(": ");
  if (colon > 0) {
    return {
      text,
      time: m[1],
      kind: "message",
      name: rest.slice(0, colon),
      body: rest.slice(colon + 2),
    };
  }
  return { text, time: m[1], kind: "system", body: rest };
}

const decoder = new TextDecoder();

/** Reads a recorded entry; undefined when the record does not fit the text. */
export function fromRecord(
  bytes: Uint8Array,
  b: EntryBounds,
): ParsedEntry | undefined {
  const text = decoder.decode(bytes.subarray(0, bytes.length - 1));
  const m = STAMP.exec(text);
  if (!m || bytes[bytes.length - 1] !== 0x0a) return undefined;
  const head = new TextEncoder().encode(m[0]).length;
  if (b.kind === "error" || b.kind === "system") {
    return { text, time: m[1], kind: b.kind, body: text.slice(m[0].length) };
  }
  const nameStart = head + (b.kind === "action" ? 3 : 0);
  const nameEnd = nameStart + (b.nameBytes ?? -1);
  const sep = b.kind === "action" ? " " : ": ";
  const after = decoder.decode(bytes.subarray(nameEnd, nameEnd + sep.length));
  if (b.nameBytes === undefined || nameEnd > bytes.length || after !== sep) {
    return undefined;
  }
  return {
    text,
    time: m[1],
    kind: b.kind,
    name: decoder.decode(bytes.subarray(nameStart, nameEnd)),
    body: decoder.decode(
      bytes.subarray(nameEnd + sep.length, bytes.length - 1),
    ),
  };
}

/**
 * Splits a txt log into entries. `bounds` are the writer's records, `base`
 * the file offset of `bytes[0]` (when only the end of a file was read).
 * Header lines (one per opening) are left out.
 */
export function parseTxtEntries(
  bytes: Uint8Array,
  bounds: EntryBounds[] = [],
  base = 0,
): ParsedEntry[] {
  const starts = new Map(bounds.map((b) => [b.start - base, b]));
  const entries: ParsedEntry[] = [];
  let open: string[] | undefined; // lines of the plain entry being read
  const flush = () => {
    if (open) entries.push(splitTxt(open.join("\n")));
    open = undefined;
  };
  let at = 0;
  while (at < bytes.length) {
    const record = starts.get(at);
    if (record && record.end - base <= bytes.length) {
      const entry = fromRecord(
        bytes.subarray(at, record.end - base),
        record,
      );
      if (entry) {
        flush();
        entries.push(entry);
        at = record.end - base;
        continue;
      }
    }
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    const line = decoder.decode(bytes.subarray(at, end));
    at = end + 1;
    if (TXT_HEADER.test(line)) continue;
    if (STAMP.test(line) || !open) {
      flush();
      open = [line];
    } else open.push(line);
  }
  flush();
  return entries.filter((e) => e.text !== "");
}

/** Renders html as Pidgin's viewer shows it: `<br>` a newline, tags dropped, entities decoded. */
export function render(html: string): string {
  if (!html.includes("<") && !html.includes("&")) return html;
  return decodeHTML(
    html.replace(/<br\s*\/?>$/i, "").replace(/<br\s*\/?>/gi, "\n")
      .replace(/<[^>]*>/g, ""),
  );
}

const HTML_MESSAGE =
  /^<span style="color: (#[0-9A-Fa-f]{6})"><span style="font-size: smaller">\(([^)<]*)\)<\/span> <b>([^<]*)<\/b><\/span> (.*)<br>$/;
const HTML_ERROR =
  /^<span style="color: #FF0000"><span style="font-size: smaller">\(([^)<]*)\)<\/span><b> (.*)<\/b><\/span><br>$/;
const HTML_SYSTEM =
  /^<span style="font-size: smaller">\(([^)<]*)\)<\/span><b> (.*)<\/b><br>$/;
const DIRECTIONS: Record<string, "in" | "out"> = {
  "#A82F2F": "in",
  "#16569E": "out",
};

/**
 * What one html entry line (html_logger_write's formats) says, without the
 * rendered text of the whole line; undefined for a line of no known format.
 */
export function htmlParts(line: string): Omit<ParsedEntry, "text"> | undefined {
  if (!line.startsWith("<span style=")) return undefined;
  if (
    !line.startsWith('<span style="color: #') ||
    line.startsWith('<span style="color: #FF0000">')
  ) {
    const notice = HTML_ERROR.exec(line) ?? HTML_SYSTEM.exec(line);
    if (notice) {
      const kind = line.startsWith('<span style="color') ? "error" : "system";
      return { time: notice[1], kind, body: render(notice[2]!) };
    }
  }
  const m = HTML_MESSAGE.exec(line);
  if (!m) return undefined;
  const label = decodeHTML(m[3]!);
  const action = m[1] === "#062585" && label.startsWith("***");
  if (!action && !label.endsWith(":")) return undefined;
  return {
    time: decodeHTML(m[2]!),
    kind: action ? "action" : "message",
    name: action ? label.slice(3) : label.slice(0, -1),
    body: render(m[4]!),
    direction: action ? undefined : DIRECTIONS[m[1]!.toUpperCase()],
  };
}

/** Reads one html entry line (html_logger_write's formats). */
export function htmlEntry(line: string): ParsedEntry {
  return { text: render(line), ...htmlParts(line) };
}

/** True for the lines of an html log that are the document, not an entry. */
export function isHtmlFrame(line: string): boolean {
  return line.startsWith("<!DOCTYPE") || line.startsWith("<html") ||
    /^<\/(p|body|html)>$/.test(line);
}

/** Splits an html log into entries, one per line; the document's own lines are left out. */
export function parseHtmlEntries(text: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  for (const line of text.split("\n")) {
    if (isHtmlFrame(line)) continue;
    const entry = htmlEntry(line);
    if (entry.text.trim() !== "") entries.push(entry);
  }
  return entries;
}
