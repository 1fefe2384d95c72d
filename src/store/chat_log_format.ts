/**
 * Pure formatting of Pidgin chat logs, byte for byte as libpurple 2.14 writes
 * them (see tests/fixtures/purple and the fixture README): the header line,
 * message lines in txt and html, and the html footer.
 */
import {
  formatDateTime,
  formatHeaderDate,
  formatTime,
  type LogLocale,
  type ZoneNames,
} from "./log_time.ts";

/** The two formats Pidgin writes; its own default is html. */
export type LogFormat = "txt" | "html";

/** One line of a conversation log. */
export interface LogEntry {
  direction: "in" | "out";
  /** Display name: the alias where there is one, else the JID. */
  name: string;
  /** Plain text body as sent or received, `/me ` included. */
  body: string;
  /** When it was sent (a delayed message keeps its original time). */
  time: Date;
}

/** What a log file's header says. */
export interface LogHeader {
  /** The conversation: the contact's bare JID. */
  contact: string;
  /** Our account as `user@domain/resource`. */
  account: string;
  /** When the log was opened. */
  opened: Date;
}

/** Settings shared by every line of one log. */
export interface LogStyle {
  format: LogFormat;
  locale: LogLocale;
  zone: ZoneNames;
}

const HTML_DOCTYPE =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">';
const TWENTY_MINUTES = 20 * 60 * 1000;

/** HTML-escapes `& < > "` the way Pidgin's logs show them. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The first line of a log; Pidgin's viewer drops exactly this line. */
export function formatLogHeader(header: LogHeader, style: LogStyle): string {
  const title = `Conversation with ${header.contact} at ${
    formatHeaderDate(header.opened, style.locale, style.zone)
  } on ${header.account} (jabber)`;
  if (style.format === "txt") return `${title}\n`;
  const t = escapeHtml(title);
  return `${HTML_DOCTYPE}<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${t}</title></head><body><h1>${t}</h1><p>\n`;
}

/** What an html log ends with when the conversation closes. */
export function formatLogFooter(style: LogStyle): string {
  return style.format === "html" ? "</p>\n</body>\n</html>\n" : "";
}

/** `(06:18:07 PM)`, with the date for lines more than 20 minutes old. */
function stamp(time: Date, now: Date, style: LogStyle): string {
  return now.getTime() > time.getTime() + TWENTY_MINUTES
    ? formatDateTime(time, style.locale, style.zone)
    : formatTime(time, style.locale, style.zone);
}

/** One message line, newline included. `now` decides whether the date shows. */
export function formatLogEntry(
  entry: LogEntry,
  style: LogStyle,
  now: Date = new Date(),
): string {
  const when = stamp(entry.time, now, style);
  const isAction = entry.body.startsWith("/me ");
  const text = isAction ? entry.body.slice(4) : entry.body;
  if (style.format === "txt") {
    return isAction
      ? `(${when}) ***${entry.name} ${text}\n`
      : `(${when}) ${entry.name}: ${text}\n`;
  }
  const name = escapeHtml(entry.name);
  const body = escapeHtml(text).replace(/\r?\n/g, "<br/>");
  const color = isAction
    ? "#062585"
    : entry.direction === "in"
    ? "#A82F2F"
    : "#16569E";
  const label = isAction ? `***${name}` : `${name}:`;
  return `<span style="color: ${color}"><span style="font-size: smaller">(${when})</span> <b>${label}</b></span> ${body}<br>\n`;
}
