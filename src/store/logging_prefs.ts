/**
 * Pidgin's logging preferences from `prefs.xml`: whether to log IMs and
 * chats, and in which format. Read as libpurple reads them (prefs.c,
 * `prefs_start_element_handler`; log.c, `purple_log_init` and
 * `logger_pref_cb`); nothing else in the file is kept.
 */
import { parse } from "ltx";
import type { Element } from "ltx";
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";
import type { LogFormat } from "./chat_log_format.ts";

/** What prefs.xml says about logging; a field is absent when the file does not set it. */
export interface LoggingPrefs {
  /** `/purple/logging/log_ims` */
  logIms?: boolean;
  /** `/purple/logging/log_chats` */
  logChats?: boolean;
  /** `/purple/logging/format`; a logger libpurple does not know means txt, as it does. */
  format?: LogFormat;
}

/** C's `atoi`: leading blanks, a sign, digits; anything else is 0. */
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

function walk(
  element: Element,
  path: string,
  found: Map<string, Element>,
): void {
  for (const child of element.getChildren("pref")) {
    const name = child.attrs.name;
    if (typeof name !== "string" || name === "" || name === "/") continue;
    const full = `${path}/${name}`;
    found.set(full, child);
    walk(child, full, found);
  }
}

/** Parses the logging preferences out of prefs.xml text; throws SyntaxError if it is not XML. */
export function parseLoggingPrefs(xml: string): LoggingPrefs {
  let root: Element;
  try {
    root = parse(xml) as Element;
  } catch (err) {
    throw new SyntaxError("prefs.xml is not well-formed XML", { cause: err });
  }
  const found = new Map<string, Element>();
  // The root is <pref version='1' name='/'>; its children are /purple, /pidgin …
  if (root.name === "pref") walk(root, "", found);
  const prefs: LoggingPrefs = {};
  const bool = (name: string): boolean | undefined => {
    const pref = found.get(`/purple/logging/${name}`);
    const value = pref?.attrs.value;
    if (pref?.attrs.type !== "bool" || typeof value !== "string") {
      return undefined;
    }
    return atoi(value) !== 0;
  };
  const logIms = bool("log_ims");
  if (logIms !== undefined) prefs.logIms = logIms;
  const logChats = bool("log_chats");
  if (logChats !== undefined) prefs.logChats = logChats;
  const format = found.get("/purple/logging/format");
  if (format?.attrs.type === "string") {
    prefs.format = format.attrs.value === "html" ? "html" : "txt";
  }
  return prefs;
}

/**
 * Reads Pidgin's logging preferences from `<purpleDir>/prefs.xml`. A missing
 * file sets nothing; an unreadable or malformed one is a `StoreError`.
 *
 * Requires read access to the profile directory.
 */
export async function readLoggingPrefs(
  purpleDir: string,
): Promise<LoggingPrefs> {
  const file = join(purpleDir, "prefs.xml");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw fsError(`Cannot read Pidgin preferences "${file}"`, err);
  }
  try {
    return parseLoggingPrefs(text);
  } catch (err) {
    throw new StoreError(
      `Cannot read Pidgin preferences "${file}": not well-formed XML`,
      { cause: err, hint: "Close Pidgin and retry, or pass --purple-dir" },
    );
  }
}
