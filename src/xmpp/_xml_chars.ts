/**
 * Characters XML 1.0 forbids (section 2.2): C0 controls other than tab, line
 * feed and carriage return, U+FFFE, U+FFFF and unpaired surrogates. One of
 * them in a stanza makes the server end the stream, so nothing we send may
 * hold one.
 */
import { UsageError } from "../errors.ts";

const FORBIDDEN =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first forbidden character of `text` as `U+XXXX`, or `undefined`. */
export function findForbiddenXmlChar(text: string): string | undefined {
  const match = FORBIDDEN.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Throws `UsageError` when `text` holds a character XML forbids, before
 * anything is written to the socket.
 *
 * @param what what the text is, e.g. `"the message"`, `"the status"`
 */
export function assertXmlText(text: string, what: string): void {
  const found = findForbiddenXmlChar(text);
  if (found === undefined) return;
  throw new UsageError(
    `Cannot send ${what}: it contains ${found}, a character XML does not allow`,
    { hint: "Remove control characters from the text and send it again" },
  );
}
