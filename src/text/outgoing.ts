/**
 * Outgoing text made fit for XML, so what is logged is exactly what is sent:
 * terminal escape sequences are removed (`make 2>&1 | pidgin send` carries
 * colour codes), line ends become `\n` (XML parsers turn `\r` into `\n`
 * anyway), and every other character XML 1.0 cannot carry (C0 controls,
 * U+FFFE, U+FFFF, lone surrogates) becomes U+FFFD.
 */
import { ESCAPE_SEQUENCES } from "./sanitize.ts";

const FORBIDDEN =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What was changed to make a text sendable. */
export interface SendableText {
  text: string;
  /** How many escape sequences were removed. */
  escapes: number;
  /** How many characters were replaced with U+FFFD. */
  replaced: number;
}

/** `text` as it can be sent and logged; see the module comment. */
export function toSendableText(text: string): SendableText {
  let escapes = 0;
  let replaced = 0;
  const out = text
    .replace(ESCAPE_SEQUENCES, () => {
      escapes++;
      return "";
    })
    .replace(/\r\n?/g, "\n")
    .replace(FORBIDDEN, () => {
      replaced++;
      return "\ufffd";
    });
  return { text: out, escapes, replaced };
}

/** The one line that says what `toSendableText` changed, or `undefined` when nothing was. */
export function describeChanges(changes: SendableText): string | undefined {
  const parts = [];
  if (changes.escapes > 0) {
    parts.push(`removed ${changes.escapes} terminal escape sequence(s)`);
  }
  if (changes.replaced > 0) {
    parts.push(
      `replaced ${changes.replaced} character(s) XMPP cannot carry with U+FFFD`,
    );
  }
  return parts.length > 0
    ? `pidgin: Before sending, ${parts.join(" and ")}`
    : undefined;
}
