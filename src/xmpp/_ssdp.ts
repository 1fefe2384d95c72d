/**
 * XEP-0474, SASL SCRAM Downgrade Protection (version 0.5.0, 2025-10-25):
 * a SCRAM server-first-message may carry `h`, the hash of the mechanisms
 * and channel-binding types (XEP-0440) the server advertised. We compute
 * it from what we received; if the two differ, someone changed the list on
 * the way. Versions 0.3.x used `d`, with `,` and `|` as delimiters
 * (ejabberd implemented 0.3.0); we check that form too.
 */

/** What the server advertised in its stream features. */
export interface Advertised {
  mechanisms: string[];
  /** XEP-0440 channel-binding types; `undefined` when not advertised at all. */
  channelBindings?: string[];
}

const encoder = new TextEncoder();

/** Sorts with the "i;octet" collation (RFC 4790): by UTF-8 bytes. */
function octetSort(values: string[]): string[] {
  const keyed = values.map((v) => ({ v, bytes: encoder.encode(v) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.bytes.length, b.bytes.length);
    for (let i = 0; i < n; i++) {
      if (a.bytes[i] !== b.bytes[i]) return a.bytes[i]! - b.bytes[i]!;
    }
    return a.bytes.length - b.bytes.length;
  });
  return keyed.map((k) => k.v);
}

/**
 * The base64 hash of the advertised lists, as the server computes it.
 *
 * @param attribute `"h"` (0.4.0 and later) or `"d"` (0.3.x)
 */
export async function downgradeHash(
  hash: string,
  advertised: Advertised,
  attribute: "h" | "d",
): Promise<string> {
  const [item, list] = attribute === "h" ? ["\x1e", "\x1f"] : [",", "|"];
  let text = octetSort(advertised.mechanisms).join(item);
  if (advertised.channelBindings !== undefined) {
    text += list + octetSort(advertised.channelBindings).join(item);
  }
  const digest = await crypto.subtle.digest(hash, encoder.encode(text));
  return new Uint8Array(digest).toBase64();
}
