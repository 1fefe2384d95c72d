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

/** A message line of a conversation log. */
export interface LogMessage {
  kind?: "message";
  direction: "in" | "out";
  /** Display name: the alias where there is one, else the JID. */
  name: string;
  /** Plain text body as sent or received, `/me ` included. */
  body: string;
  /** When it was sent (a delayed message keeps its original time). */
  time: Date;
  /**
   * What the message ledger records with it (not written to the log): its
   * ids, and its archive id when it is the newest archived message logged.
   */
  ledger?: { ids: readonly string[]; cursor?: string };
}

/**
 * A line without a sender, as libpurple logs `PURPLE_MESSAGE_ERROR` (a send
 * that failed: `purple_conv_present_error`) and `PURPLE_MESSAGE_SYSTEM` lines.
 */
export interface LogNotice {
  kind: "error" | "system";
  /** Plain text, e.g. `Unable to send message.` */
  text: string;
  time: Date;
}

/** One entry of a conversation log. */
export type LogEntry = LogMessage | LogNotice;

/**
 * The error line for a message that was logged but not delivered, in
 * libpurple's words: `Message delivery to <to> failed: <reason>` (jabber's
 * message.c, `handle_error`, for an error the server sent back) or, without
 * a reason, `Unable to send message.` (conversation.c, `common_send`, through
 * `purple_conv_present_error`, which logs it as `PURPLE_MESSAGE_ERROR`).
 */
export function sendFailureEntry(
  failure: { to: string; reason?: string; time?: Date },
): LogNotice {
  return {
    kind: "error",
    text: failure.reason === undefined
      ? "Unable to send message."
      : `Message delivery to ${failure.to} failed: ${failure.reason}`,
    time: failure.time ?? new Date(),
  };
}

/** True for error and system lines, which have no sender. */
export function isNotice(entry: LogEntry): entry is LogNotice {
  return entry.kind === "error" || entry.kind === "system";
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

/** C0 and C1 controls that GLib and libpurple write as `&#x..;` (util.c, `append_escaped_text`). */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]/g;

function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

/**
 * HTML-escapes `& < > "` the way Pidgin's logs show message text
 * (`purple_markup_escape_text`, which leaves `'` as it is).
 */
export function escapeHtml(text: string): string {
  return escapeControls(
    text.replaceAll("&", "&amp;").replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;").replaceAll('"', "&quot;"),
  );
}

/** `g_markup_escape_text`, which html_logger_write applies to names: `'` becomes `&apos;`. */
export function escapeMarkup(text: string): string {
  return escapeHtml(text).replaceAll("'", "&apos;");
}

/**
 * What libpurple logs of a plain-text message: jabber's message.c drops
 * every `\r` (`purple_strdup_withhtml`), and the txt logger's
 * `purple_markup_strip_html` turns each tab into a space.
 */
function txtText(text: string): string {
  return text.replaceAll("\r", "").replaceAll("\t", " ");
}

function htmlText(text: string): string {
  return escapeHtml(text.replaceAll("\r", "")).replaceAll("\n", "<br/>");
}

/** `purple_message_meify`: a body starting with `/me ` (any case) is an action. */
export function isAction(body: string): boolean {
  return /^\/me /i.test(body);
}

/** The first line of a log; Pidgin's viewer drops exactly this line. */
export function formatLogHeader(header: LogHeader, style: LogStyle): string {
  // The header must stay one line (readers drop exactly the first one), so a
  // line break in a name from the server becomes a space; libpurple would
  // write it as it is, and also leave html in the names unescaped.
  const title = `Conversation with ${header.contact} at ${
    formatHeaderDate(header.opened, style.locale, style.zone)
  } on ${header.account} (jabber)`.replace(/[\r\n]/g, " ");
  if (style.format === "txt") return `${title}\n`;
  const t = escapeHtml(title);
  return `${HTML_DOCTYPE}<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${t}</title></head><body><h1>${t}</h1><p>\n`;
}

/** What an html log ends with when the conversation closes. */
export function formatLogFooter(style: LogStyle): string {
  return style.format === "html" ? "</p>\n</body>\n</html>\n" : "";
}

/**
 * `(06:18:07 PM)`, with the date for lines more than 20 minutes old
 * (log.c, `log_get_timestamp`: `time(NULL) > when + 20*60`, in seconds).
 */
function stamp(time: Date, now: Date, style: LogStyle): string {
  const late = Math.floor(now.getTime() / 1000) >
    Math.floor(time.getTime() / 1000) + 20 * 60;
  return late
    ? formatDateTime(time, style.locale, style.zone)
    : formatTime(time, style.locale, style.zone);
}

/** One entry's line, newline included. `now` decides whether the date shows. */
export function formatLogEntry(
  entry: LogEntry,
  style: LogStyle,
  now: Date = new Date(),
): string {
  const when = stamp(entry.time, now, style);
  if (isNotice(entry)) {
    // txt_logger_write: "(%s) %s\n"; html_logger_write: PURPLE_MESSAGE_ERROR / _SYSTEM.
    if (style.format === "txt") return `(${when}) ${txtText(entry.text)}\n`;
    const text = htmlText(entry.text);
    return entry.kind === "error"
      ? `<span style="color: #FF0000"><span style="font-size: smaller">(${when})</span><b> ${text}</b></span><br>\n`
      : `<span style="font-size: smaller">(${when})</span><b> ${text}</b><br>\n`;
  }
  const action = isAction(entry.body);
  const body = action ? entry.body.slice(4) : entry.body;
  if (style.format === "txt") {
    return action
      ? `(${when}) ***${entry.name} ${txtText(body)}\n`
      : `(${when}) ${entry.name}: ${txtText(body)}\n`;
  }
  // One entry per html line: a line break in a name (g_markup_escape_text
  // keeps it) is written as a space, which html renders the same way.
  const name = escapeMarkup(entry.name).replace(/[\r\n]/g, " ");
  const color = action
    ? "#062585"
    : entry.direction === "in"
    ? "#A82F2F"
    : "#16569E";
  const label = action ? `***${name}` : `${name}:`;
  return `<span style="color: ${color}"><span style="font-size: smaller">(${when})</span> <b>${label}</b></span> ${
    htmlText(body)
  }<br>\n`;
}
