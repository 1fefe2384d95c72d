/**
 * Splits an XMPP stream into its top-level elements (stanzas, nonzas,
 * features) without a streaming XML parser: a tag scanner that knows quotes,
 * the XML declaration and the `<stream:stream>` wrapper. XMPP forbids
 * comments, processing instructions and DTDs, so nothing else can occur.
 */

/** What the framer found in the text so far. */
export interface Frames {
  /** Complete top-level elements, as text. */
  elements: string[];
  /** True once `</stream:stream>` arrived. */
  ended: boolean;
}

/** Creates a framer; feed it text as it arrives, in order. */
export function createFramer(): (text: string) => Frames {
  let pending = "";
  let scanned = 0;
  let depth = 0;
  let start = -1;
  let tagStart = -1;
  let quote = "";
  return (text) => {
    pending += text;
    const frames: Frames = { elements: [], ended: false };
    for (; scanned < pending.length; scanned++) {
      const c = pending[scanned];
      if (tagStart < 0) {
        if (c === "<") tagStart = scanned;
        continue;
      }
      if (quote) {
        if (c === quote) quote = "";
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        continue;
      }
      if (c !== ">") continue;
      const tag = pending.slice(tagStart, scanned + 1);
      const name = /^<\/?([^\s/>]+)/.exec(tag)?.[1] ?? "";
      const opening = tagStart;
      tagStart = -1;
      if (tag.startsWith("<?")) continue;
      if (name === "stream:stream" || name.endsWith(":stream")) {
        if (tag.startsWith("</")) frames.ended = true;
        continue;
      }
      if (tag.startsWith("</")) {
        depth--;
      } else {
        if (depth === 0) start = opening;
        if (!tag.endsWith("/>")) depth++;
      }
      if (depth === 0 && start >= 0) {
        frames.elements.push(pending.slice(start, scanned + 1));
        start = -1;
      }
    }
    // Drop what is framed already, keeping an element or tag still open.
    const keep = Math.min(
      ...[start, tagStart, scanned].filter((i) => i >= 0),
    );
    pending = pending.slice(keep);
    if (start >= 0) start -= keep;
    if (tagStart >= 0) tagStart -= keep;
    scanned -= keep;
    return frames;
  };
}
