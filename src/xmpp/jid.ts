/** JID checks for input from users and settings. */
import { UsageError } from "../errors.ts";
import { findForbiddenXmlChar } from "./_xml_chars.ts";
import { parseJid } from "./_xmpp_js.ts";

/** Returns the lower-case bare form of a JID, or throws `UsageError`. */
export function toBareJid(text: string, what = "JID"): string {
  let parsed;
  try {
    parsed = parseJid(text.trim());
  } catch (err) {
    throw new UsageError(
      `Invalid ${what} "${text}": ${err instanceof Error ? err.message : err}`,
      {
        hint: "A JID looks like user@example.com",
      },
    );
  }
  const forbidden = findForbiddenXmlChar(text);
  if (forbidden) {
    throw new UsageError(
      `Invalid ${what}: it contains ${forbidden}, a character XML does not allow`,
      { hint: "A JID looks like user@example.com" },
    );
  }
  if (
    !parsed.local || !parsed.domain || parsed.domain.includes("@") ||
    /\s/.test(text.trim())
  ) {
    throw new UsageError(`Invalid ${what} "${text}": expected user@domain`, {
      hint: "A JID looks like user@example.com",
    });
  }
  return parsed.bare().toString().toLowerCase();
}
