/**
 * Where the Pidgin profile lives and how log folders are named, with the
 * guarantee that a name from the network never leaves the logs directory.
 */
import { join, resolve, sep } from "node:path";
import { StoreError } from "../errors.ts";
import { sha256Hex } from "./_sha256.ts";

/**
 * The profile directory: `--purple-dir`, else `PURPLE_HOME`, else `~/.purple`.
 */
export function resolvePurpleDir(options: {
  flag?: string;
  purpleHome?: string;
  home?: string;
}): string {
  const dir = options.flag || options.purpleHome ||
    (options.home ? join(options.home, ".purple") : undefined);
  if (!dir) {
    throw new StoreError(
      "Cannot find the Pidgin profile directory: HOME is not set",
      {
        hint: "Set PURPLE_HOME or pass --purple-dir",
      },
    );
  }
  return resolve(dir);
}

/**
 * libpurple's `purple_escape_filename`: ASCII letters, digits and `@-_.#` are
 * kept, every other character becomes `%xx` per UTF-8 byte (lower-case hex).
 * A name made only of dots is escaped whole, so it can never mean `.` or `..`.
 */
export function escapeFilename(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/^[A-Za-z0-9@\-_.#]$/.test(ch)) {
      out += ch;
    } else {
      for (const byte of new TextEncoder().encode(ch)) {
        out += `%${byte.toString(16).padStart(2, "0")}`;
      }
    }
  }
  if (out === "" || /^\.+$/.test(out)) {
    return out.replaceAll(".", "%2e") || "%00";
  }
  return out;
}

/** The longest file name Linux file systems take, in bytes. */
const NAME_MAX = 255;

/**
 * The folder name for an account or contact: {@linkcode escapeFilename}'s,
 * unless that is longer than a file name may be (a 300-character JID, 30 CJK
 * characters escaped to 270 bytes), which gives `ENAMETOOLONG`. Then it is a
 * prefix of the escaped name, `~` and 32 hex digits of the SHA-256 of the
 * whole name: deterministic, so writer and reader agree; and collision-free,
 * since an escaped name never holds `~` (it becomes `%7e`).
 */
export function folderName(name: string): string {
  const escaped = escapeFilename(name);
  if (escaped.length <= NAME_MAX) return escaped;
  let cut = NAME_MAX - 33;
  // Never end the prefix inside a %xx escape.
  if (escaped[cut - 1] === "%") cut -= 1;
  else if (escaped[cut - 2] === "%") cut -= 2;
  return `${escaped.slice(0, cut)}~${sha256Hex(name).slice(0, 32)}`;
}

/**
 * The folder of one conversation's logs:
 * `<profile>/logs/jabber/<account>/<contact>`, both named by
 * {@linkcode folderName}. Throws
 * `StoreError` if the result would not be inside the logs directory.
 */
export function conversationLogDir(
  purpleDir: string,
  account: string,
  contact: string,
): string {
  const logs = resolve(purpleDir, "logs");
  const dir = resolve(logs, "jabber", folderName(account), folderName(contact));
  if (!dir.startsWith(logs + sep)) {
    throw new StoreError(
      `Cannot log the conversation with "${contact}": the name leaves the logs directory`,
    );
  }
  return dir;
}

/**
 * Where the writer records the byte ranges of txt log entries that a reader
 * could not split by their text alone (see log_bounds.ts):
 * `<profile>/pidgin/<account>/log_bounds/<contact>/<log file name>`, in
 * pidgin's own state, never in logs/.
 */
export function logBoundsPath(
  purpleDir: string,
  account: string,
  contact: string,
  logFile: string,
): string {
  const state = resolve(purpleDir, "pidgin");
  const path = resolve(
    state,
    folderName(account),
    "log_bounds",
    folderName(contact),
    folderName(logFile),
  );
  if (!path.startsWith(state + sep)) {
    throw new StoreError(
      `Cannot record the log of "${contact}": the name leaves the state directory`,
    );
  }
  return path;
}
