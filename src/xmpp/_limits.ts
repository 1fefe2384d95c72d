/**
 * Stanza sizes: what the server accepts (XEP-0478 stream limits, else
 * Prosody's default) and what we accept from it.
 */
import type { Element } from "./_xmpp_js.ts";

const NS_LIMITS = "urn:xmpp:stream-limits:0";

/** What a server accepts when it does not say: Prosody's `c2s_stanza_size_limit`. */
export const DEFAULT_MAX_STANZA_BYTES = 262_144;

const MIB = 1024 * 1024;

/** The `<max-bytes/>` a `<stream:features/>` advertises (XEP-0478), if any. */
export function advertisedMaxBytes(features: Element): number | undefined {
  const text = features.getChild("limits", NS_LIMITS)?.getChildText(
    "max-bytes",
  );
  if (text === null || text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n > 0 && /^\s*\d+\s*$/.test(text)
    ? Math.min(n, 2 ** 31 - 1)
    : undefined;
}

/**
 * The largest answer to a request whose answer may be big (the roster): a
 * roster is one stanza, and 150 000 contacts are some 12 MB.
 */
export const LARGE_REPLY_BYTES = 32 * MIB;

/** True when `startTag` (without its `<`) opens an iq whose id is one of `ids`. */
export function answersOneOf(
  startTag: string,
  ids: ReadonlySet<string>,
): boolean {
  if (ids.size === 0 || !/^iq[\s/>]/.test(startTag)) return false;
  const id = /\sid\s*=\s*(?:'([^']*)'|"([^"]*)")/.exec(startTag);
  return id !== null && ids.has(id[1] ?? id[2] ?? "");
}

/**
 * The largest incoming stanza we parse: twice what the server accepts from
 * us (it may add to what it relays), at least 1 MiB, at most 64 MiB.
 */
export function incomingLimit(maxStanzaBytes: number): number {
  return Math.min(64 * MIB, Math.max(MIB, 2 * maxStanzaBytes));
}

/** `300 KiB`, `1.5 MiB`, `900 bytes`. */
export function formatSize(bytes: number, round: "up" | "down"): string {
  const f = round === "up" ? Math.ceil : Math.floor;
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MIB) return `${f(bytes / 1024)} KiB`;
  return `${f((bytes / MIB) * 10) / 10} MiB`;
}
