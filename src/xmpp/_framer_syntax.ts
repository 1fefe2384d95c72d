/**
 * The lexical states and character classes of `_framer.ts`, the violations
 * it reports, and how it measures bytes.
 */
import { StreamViolation } from "./_failures.ts";

/** Where the framer is in the markup. */
export const TEXT = 0,
  LT = 1,
  START_NAME = 2,
  IN_TAG = 3,
  ATTR_NAME = 4,
  ATTR_EQ = 5,
  ATTR_QUOTE = 6,
  ATTR_VALUE = 7,
  AFTER_VALUE = 8,
  SLASH = 9,
  END_NAME = 10,
  END_SPACE = 11,
  BANG = 12,
  CDATA = 13,
  PI_NAME = 14,
  PI = 15,
  CLOSED = 16;

/** XML whitespace. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Not markup: `<>/="'?!&` and whitespace are not part of names. */
export function isNameChar(c: number): boolean {
  return !isSpace(c) && c !== 0x3c && c !== 0x3e && c !== 0x2f &&
    c !== 0x3d && c !== 0x22 && c !== 0x27 && c !== 0x3f && c !== 0x21 &&
    c !== 0x26;
}

/** `not-well-formed`: the server sent `what`. */
export function notWellFormed(what: string): StreamViolation {
  return new StreamViolation("not-well-formed", `the server sent ${what}`);
}

/** `restricted-xml`: the server sent `what`, which RFC 6120 (11.1) forbids. */
export function restricted(what: string): StreamViolation {
  return new StreamViolation(
    "restricted-xml",
    `the server sent ${what}, which XMPP forbids`,
  );
}

/** The UTF-8 length of `text`; ASCII, the usual case, costs one native scan. */
export function utf8Length(text: string): number {
  // deno-lint-ignore no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2;
  }
  return bytes;
}
