/**
 * Makes text from the network safe to print on a terminal.
 *
 * Removes escape sequences (CSI, OSC, DCS, SOS/PM/APC and two-byte ESC
 * sequences), their 8-bit C1 forms, and every other C0/C1 control character
 * except newline and tab. Bidirectional overrides that can make a line read
 * differently from what it is (Trojan Source) are removed too. The stored
 * logs keep the original text; this is only for display.
 */

/** Terminal escape sequences: CSI, OSC, DCS, SOS/PM/APC, two-byte ESC forms, and their 8-bit C1 forms. */
export const ESCAPE_SEQUENCES =
  // deno-lint-ignore no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?/g;
const CONTROLS =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Returns `text` with terminal control sequences and characters removed. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(CONTROLS, "");
}

// JSON.stringify escapes C0 controls itself; these it leaves raw.
const JSON_UNSAFE =
  /[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `data` as indented JSON that is safe to print on a terminal and still
 * means the same data: characters a terminal could act on are written as
 * `\u` escapes instead of being removed.
 */
export function toTerminalJson(
  data: unknown,
  options: { compact?: boolean } = {},
): string {
  return JSON.stringify(data, null, options.compact ? undefined : 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
