/**
 * Reads Pidgin conversation logs (ours and Pidgin's, txt and html) back as
 * the entries Pidgin's log viewer shows: `(06:18:07 PM) Bob: text`, html
 * rendered to plain text. Reads the newest files first and stops once it has
 * enough, so years of logs cost what the last few files cost.
 */
import { decodeHTML } from "entities";
import { join } from "node:path";
import { fsError } from "./_fs_error.ts";
import { conversationLogDir } from "./paths.ts";

/** One logged message (or status line) as the viewer shows it. */
export interface LoggedEntry {
  /** The log file's name, e.g. `2026-11-25.181807+0100CET.txt`. */
  file: string;
  /** `(time) Name: text`, possibly over several lines. */
  text: string;
}

const STAMP =
  /^\((?:\d\d?\/\d\d?\/\d\d(?:\d\d)? )?\d\d?:\d\d:\d\d(?: [AP]M)?\) /;
const TXT_HEADER =
  /^(?:Conversation with|System log for account) .* \([a-z]+\)$/;

/** Splits a txt log into entries; header lines (one per opening) are left out. */
export function parseTxtLog(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.replace(/\n$/, "").split("\n")) {
    if (TXT_HEADER.test(line)) continue;
    if (STAMP.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries.filter((e) => e !== "");
}

/** Renders an html log's lines as plain-text entries, as Pidgin's viewer does. */
export function parseHtmlLog(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split("\n")) {
    if (
      line.startsWith("<!DOCTYPE") || line.startsWith("<html") ||
      /^<\/(p|body|html)>$/.test(line)
    ) continue;
    const plain = decodeHTML(
      line.replace(/<br\s*\/?>$/i, "").replace(/<br\s*\/?>/gi, "\n").replace(
        /<[^>]*>/g,
        "",
      ),
    );
    if (plain.trim() !== "") entries.push(plain);
  }
  return entries;
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

/**
 * The last `limit` entries of the conversation with `contact`, oldest first.
 *
 * Requires read access to the profile's logs.
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
  const found: LoggedEntry[] = [];
  for (const file of files.reverse()) {
    if (found.length >= limit) break;
    let text: string;
    try {
      text = await Deno.readTextFile(join(dir, file));
    } catch (err) {
      throw fsError(`Cannot read the chat log "${join(dir, file)}"`, err);
    }
    const entries = file.endsWith(".txt")
      ? parseTxtLog(text)
      : parseHtmlLog(text);
    found.unshift(...entries.map((e) => ({ file, text: e })));
  }
  return found.slice(Math.max(0, found.length - limit));
}
