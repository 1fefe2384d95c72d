/**
 * Cuts the incoming stream into whole top-level elements before the XML
 * parser sees them, and enforces what RFC 6120 (section 11) and our limits
 * demand of the stream:
 *
 * - one top-level element (the bytes since the previous one ended) is at
 *   most `maxBytes(startTag)` long and nests at most `maxDepth` deep:
 *   `policy-violation` otherwise;
 * - no comment, DOCTYPE or processing instruction, except the XML
 *   declaration at the start of the stream: `restricted-xml`;
 * - nothing but whitespace outside elements, and tags that are well formed:
 *   `not-well-formed`.
 *
 * Whole elements keep ltx linear (given a long text in many chunks it
 * re-joins and re-scans all of it on each: 46 s of CPU for a 50 MB stanza);
 * whitespace between elements (keepalives) never reaches it to pile up.
 */
import { StreamViolation } from "./_failures.ts";
import * as S from "./_framer_syntax.ts";
import { formatSize } from "./_limits.ts";

/** Limits of one stream. */
export interface FramerLimits {
  /**
   * Largest top-level element, in UTF-8 bytes; asked with no argument for
   * the bytes before a start tag is complete, then with that start tag (its
   * first 4096 characters), so that an answer may be allowed more.
   */
  maxBytes(startTag?: string): number;
  /** Deepest nesting inside the stream element. */
  maxDepth: number;
}

/** A stream's framer: `push` text, get back the whole elements it completes. */
export interface Framer {
  /**
   * Returns the elements `text` completes. After a violation it returns
   * those completed before it, sets `violation` and takes no more input.
   */
  push(text: string): string;
  readonly violation: StreamViolation | undefined;
}

/** Creates the framer of one stream (a stream restart gets a new one). */
export function createFramer(limits: FramerLimits): Framer {
  return new StreamFramer(limits);
}

class StreamFramer implements Framer {
  violation: StreamViolation | undefined;
  #limits: FramerLimits;
  #state = S.TEXT;
  #depth = 0;
  #quote = 0;
  #lookahead = "";
  #brackets = 0;
  #question = false;
  #declAllowed = true;
  /** Inside a top-level element (or the stream header) being collected. */
  #inUnit = false;
  #pieces: string[] = [];
  #bytes = 0;
  #max: number;
  /** Reading a top-level start tag (for `maxBytes`), from `#tagFrom` in this chunk. */
  #readingTag = false;
  #tagFrom = 0;
  // Per push: the chunk, where the unit being collected starts in it, what is done.
  #text = "";
  #keep = -1;
  #out: string[] = [];

  constructor(limits: FramerLimits) {
    this.#limits = limits;
    this.#max = limits.maxBytes();
  }

  push(text: string): string {
    if (this.#state === S.CLOSED) return "";
    this.#text = text;
    this.#keep = this.#inUnit ? 0 : -1;
    this.#tagFrom = 0;
    this.#out = [];
    try {
      for (let i = 0; i < text.length && this.#state !== S.CLOSED; i++) {
        // Text in a stanza and attribute values hold no markup: skip them.
        if (this.#state === S.TEXT && this.#depth >= 2) {
          i = text.indexOf("<", i);
          if (i === -1) break;
        } else if (this.#state === S.ATTR_VALUE) {
          const end = text.indexOf(this.#quote === 0x22 ? '"' : "'", i);
          const lt = text.indexOf("<", i);
          if (lt !== -1 && (end === -1 || lt < end)) {
            throw S.notWellFormed("a '<' in an attribute");
          }
          if (end === -1) break;
          i = end;
        }
        this.#step(text.charCodeAt(i), i);
      }
      if (this.#keep >= 0 && this.#state !== S.CLOSED) {
        const rest = text.slice(this.#keep);
        this.#pieces.push(rest);
        this.#count(rest);
      }
    } catch (err) {
      if (!(err instanceof StreamViolation)) throw err;
      this.violation = err;
      this.#state = S.CLOSED;
      this.#pieces = [];
    }
    this.#text = "";
    return this.#out.join("");
  }

  /** Adds `segment` to the bytes of the unit; over the limit is a violation. */
  #count(segment: string | number): void {
    this.#bytes += typeof segment === "number"
      ? segment
      : S.utf8Length(segment);
    if (this.#bytes > this.#max) {
      throw new StreamViolation(
        "policy-violation",
        `the server sent a stanza larger than ${formatSize(this.#max, "down")}`,
      );
    }
  }

  /** Ends the unit being collected at index `end` of the chunk. */
  #flush(end: number): void {
    const last = this.#text.slice(this.#keep, end + 1);
    this.#count(last);
    this.#pieces.push(last);
    this.#out.push(this.#pieces.join(""));
    this.#pieces = [];
    this.#keep = -1;
    this.#inUnit = false;
    this.#bytes = 0;
    this.#readingTag = false;
    this.#max = this.#limits.maxBytes();
  }

  #open(i: number): void {
    this.#depth++;
    this.#state = S.TEXT;
    if (this.#depth > this.#limits.maxDepth) {
      throw new StreamViolation(
        "policy-violation",
        `the server sent elements nested more than ${this.#limits.maxDepth} deep`,
      );
    }
    if (this.#depth === 1) this.#flush(i); // the stream header
    else if (this.#depth === 2 && this.#readingTag) {
      // The tag so far: earlier chunks' part (the unit began with it), then this one's.
      const tag = this.#pieces.join("") +
        this.#text.slice(this.#tagFrom, i + 1);
      this.#max = this.#limits.maxBytes(tag.slice(1, 4097));
      this.#readingTag = false;
    }
  }

  #close(i: number): void {
    this.#depth--;
    this.#state = S.TEXT;
    if (this.#depth <= 1) this.#flush(i);
    if (this.#depth === 0) this.#state = S.CLOSED;
  }

  #step(c: number, i: number): void {
    switch (this.#state) {
      case S.TEXT:
        if (c === 0x3c) {
          this.#state = S.LT;
          if (!this.#inUnit) {
            this.#inUnit = true;
            this.#keep = i;
            this.#readingTag = this.#depth === 1;
            this.#tagFrom = i;
          }
        } else if (this.#depth <= 1) {
          if (!S.isSpace(c)) {
            throw this.#depth === 0
              ? S.notWellFormed("something that is not an XMPP stream")
              : S.notWellFormed("text outside any stanza");
          }
          this.#count(1); // whitespace between elements counts too
        }
        return;
      case S.LT:
        if (c === 0x2f) {
          if (this.#depth === 0) {
            throw S.notWellFormed("a closing tag before the stream began");
          }
          this.#state = S.END_NAME;
        } else if (c === 0x21) {
          this.#state = S.BANG;
          this.#lookahead = "";
        } else if (c === 0x3f && this.#depth === 0 && this.#declAllowed) {
          this.#state = S.PI_NAME;
          this.#lookahead = "";
        } else if (c === 0x3f) {
          throw S.restricted("a processing instruction");
        } else if (S.isNameChar(c)) {
          this.#state = S.START_NAME;
          this.#declAllowed = false;
        } else throw S.notWellFormed("a malformed tag");
        return;
      case S.START_NAME:
        if (S.isNameChar(c)) return;
        if (S.isSpace(c)) this.#state = S.IN_TAG;
        else if (c === 0x2f) this.#state = S.SLASH;
        else if (c === 0x3e) this.#open(i);
        else throw S.notWellFormed("a malformed tag");
        return;
      case S.IN_TAG:
      case S.AFTER_VALUE:
        if (S.isSpace(c)) this.#state = S.IN_TAG;
        else if (c === 0x2f) this.#state = S.SLASH;
        else if (c === 0x3e) this.#open(i);
        else if (this.#state === S.IN_TAG && S.isNameChar(c)) {
          this.#state = S.ATTR_NAME;
        } else throw S.notWellFormed("a malformed tag");
        return;
      case S.ATTR_NAME:
        if (S.isNameChar(c)) return;
        if (S.isSpace(c)) this.#state = S.ATTR_EQ;
        else if (c === 0x3d) this.#state = S.ATTR_QUOTE;
        else throw S.notWellFormed("a malformed attribute");
        return;
      case S.ATTR_EQ:
        if (c === 0x3d) this.#state = S.ATTR_QUOTE;
        else if (!S.isSpace(c)) throw S.notWellFormed("a malformed attribute");
        return;
      case S.ATTR_QUOTE:
        if (c === 0x22 || c === 0x27) {
          this.#quote = c;
          this.#state = S.ATTR_VALUE;
        } else if (!S.isSpace(c)) {
          throw S.notWellFormed("an attribute value without quotes");
        }
        return;
      case S.ATTR_VALUE: // push() skipped to the closing quote
        this.#state = S.AFTER_VALUE;
        return;
      case S.SLASH:
        if (c !== 0x3e) throw S.notWellFormed("a malformed tag");
        this.#state = S.TEXT;
        if (this.#depth <= 1) this.#flush(i);
        if (this.#depth === 0) this.#state = S.CLOSED;
        return;
      case S.END_NAME:
      case S.END_SPACE:
        if (c === 0x3e) this.#close(i);
        else if (S.isSpace(c)) this.#state = S.END_SPACE;
        else if (this.#state === S.END_SPACE || !S.isNameChar(c)) {
          throw S.notWellFormed("a malformed closing tag");
        }
        return;
      case S.BANG:
        this.#lookahead += String.fromCharCode(c);
        if (!"[CDATA[".startsWith(this.#lookahead)) {
          throw S.restricted("a comment or a DOCTYPE");
        }
        if (this.#lookahead.length === 7) {
          if (this.#depth < 2) {
            throw S.notWellFormed("CDATA outside any stanza");
          }
          this.#state = S.CDATA;
          this.#brackets = 0;
        }
        return;
      case S.CDATA:
        if (c === 0x5d) this.#brackets++;
        else {
          if (c === 0x3e && this.#brackets >= 2) this.#state = S.TEXT;
          this.#brackets = 0;
        }
        return;
      case S.PI_NAME:
        // Only the XML declaration, `<?xml `, at the start of the stream.
        this.#lookahead += String.fromCharCode(c);
        if (
          this.#lookahead.length <= 3
            ? !"xml".startsWith(this.#lookahead)
            : !S.isSpace(c)
        ) {
          throw S.restricted("a processing instruction");
        }
        if (this.#lookahead.length === 4) {
          this.#state = S.PI;
          this.#question = false;
        }
        return;
      case S.PI:
        if (c === 0x3e && this.#question) {
          this.#declAllowed = false;
          this.#state = S.TEXT;
          this.#flush(i); // the XML declaration, alone
        }
        this.#question = c === 0x3f;
        return;
    }
  }
}
