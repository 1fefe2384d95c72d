/**
 * How a message of several lines shows on screen: every line after the
 * first is indented, so a line inside a message can never pass for a
 * message of its own (a body holding "\n18:00:00 carol: …").
 */

/** The indent before each continuation line. */
export const CONTINUATION = "    ";

/** `text` with every line after the first indented by {@linkcode CONTINUATION}. */
export function indentContinuation(text: string): string {
  return text.replace(/\r?\n/g, `\n${CONTINUATION}`);
}
