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
 * Handing ltx whole elements also keeps parsing linear: given a long text
 * in many small chunks, ltx re-joins and re-scans all of it on every chunk
 * (46 s of CPU for a 50 MB stanza). Whitespace between elements (keepalives)
 * never reaches the parser, which would keep every piece of it.
 */
import { StreamViolation } from "./_failures.ts";
import {
  AFTER_VALUE,
  ATTR_EQ,
  ATTR_NAME,
  ATTR_QUOTE,
  ATTR_VALUE,
  BANG,
  CDATA,
  CLOSED,
  END_NAME,
  END_SPACE,
  IN_TAG,
  isNameChar,
  isSpace,
  LT,
  notWellFormed,
  PI,
  PI_NAME,
  restricted,
  SLASH,
  START_NAME,
  TEXT,
} from "./_framer_syntax.ts";
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
  #state = TEXT;
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
  /** The top-level start tag being read, for `maxBytes`. */
  #tag: string | undefined;
  // Per push: the chunk, where the unit being collected starts in it, what is done.
  #text = "";
  #keep = -1;
  #out: string[] = [];

  constructor(limits: FramerLimits) {
    this.#limits = limits;
    this.#max = limits.maxBytes();
  }

  push(text: string): string {
    if (this.#state === CLOSED) return "";
    this.#text = text;
    this.#keep = this.#inUnit ? 0 : -1;
    this.#out = [];
    try {
      for (let i = 0; i < text.length && this.#state !== CLOSED; i++) {
        const c = text.charCodeAt(i);
        this.#bytes += c < 0x80
          ? 1
          : c < 0x800 || (c >= 0xd800 && c < 0xe000)
          ? 2
          : 3;
        if (this.#bytes > this.#max) {
          throw new StreamViolation(
            "policy-violation",
            `the server sent a stanza larger than ${
              formatSize(this.#max, "down")
            }`,
          );
        }
        if (this.#tag !== undefined && this.#tag.length < 4096) {
          this.#tag += text[i];
        }
        this.#step(c, i);
      }
    } catch (err) {
      if (!(err instanceof StreamViolation)) throw err;
      this.violation = err;
      this.#state = CLOSED;
      this.#pieces = [];
    }
    if (this.#keep >= 0 && this.#state !== CLOSED) {
      this.#pieces.push(text.slice(this.#keep));
    }
    this.#text = "";
    return this.#out.join("");
  }

  /** Ends the unit being collected at index `end` of the chunk. */
  #flush(end: number): void {
    this.#pieces.push(this.#text.slice(this.#keep, end + 1));
    this.#out.push(this.#pieces.join(""));
    this.#pieces = [];
    this.#keep = -1;
    this.#inUnit = false;
    this.#bytes = 0;
    this.#tag = undefined;
    this.#max = this.#limits.maxBytes();
  }

  #open(i: number): void {
    this.#depth++;
    this.#state = TEXT;
    if (this.#depth > this.#limits.maxDepth) {
      throw new StreamViolation(
        "policy-violation",
        `the server sent elements nested more than ${this.#limits.maxDepth} deep`,
      );
    }
    if (this.#depth === 1) this.#flush(i); // the stream header
    else if (this.#depth === 2 && this.#tag !== undefined) {
      this.#max = this.#limits.maxBytes(this.#tag);
      this.#tag = undefined;
    }
  }

  #close(i: number): void {
    this.#depth--;
    this.#state = TEXT;
    if (this.#depth <= 1) this.#flush(i);
    if (this.#depth === 0) this.#state = CLOSED;
  }

  #step(c: number, i: number): void {
    switch (this.#state) {
      case TEXT:
        if (c === 0x3c) {
          this.#state = LT;
          if (!this.#inUnit) {
            this.#inUnit = true;
            this.#keep = i;
            if (this.#depth === 1) this.#tag = "";
          }
        } else if (this.#depth <= 1 && !isSpace(c)) {
          throw this.#depth === 0
            ? notWellFormed("something that is not an XMPP stream")
            : notWellFormed("text outside any stanza");
        }
        return;
      case LT:
        if (c === 0x2f) {
          if (this.#depth === 0) {
            throw notWellFormed("a closing tag before the stream began");
          }
          this.#state = END_NAME;
        } else if (c === 0x21) {
          this.#state = BANG;
          this.#lookahead = "";
        } else if (c === 0x3f && this.#depth === 0 && this.#declAllowed) {
          this.#state = PI_NAME;
          this.#lookahead = "";
        } else if (c === 0x3f) {
          throw restricted("a processing instruction");
        } else if (isNameChar(c)) {
          this.#state = START_NAME;
          this.#declAllowed = false;
        } else throw notWellFormed("a malformed tag");
        return;
      case START_NAME:
        if (isNameChar(c)) return;
        if (isSpace(c)) this.#state = IN_TAG;
        else if (c === 0x2f) this.#state = SLASH;
        else if (c === 0x3e) this.#open(i);
        else throw notWellFormed("a malformed tag");
        return;
      case IN_TAG:
      case AFTER_VALUE:
        if (isSpace(c)) this.#state = IN_TAG;
        else if (c === 0x2f) this.#state = SLASH;
        else if (c === 0x3e) this.#open(i);
        else if (this.#state === IN_TAG && isNameChar(c)) {
          this.#state = ATTR_NAME;
        } else throw notWellFormed("a malformed tag");
        return;
      case ATTR_NAME:
        if (isNameChar(c)) return;
        if (isSpace(c)) this.#state = ATTR_EQ;
        else if (c === 0x3d) this.#state = ATTR_QUOTE;
        else throw notWellFormed("a malformed attribute");
        return;
      case ATTR_EQ:
        if (c === 0x3d) this.#state = ATTR_QUOTE;
        else if (!isSpace(c)) throw notWellFormed("a malformed attribute");
        return;
      case ATTR_QUOTE:
        if (c === 0x22 || c === 0x27) {
          this.#quote = c;
          this.#state = ATTR_VALUE;
        } else if (!isSpace(c)) {
          throw notWellFormed("an attribute value without quotes");
        }
        return;
      case ATTR_VALUE:
        if (c === this.#quote) this.#state = AFTER_VALUE;
        else if (c === 0x3c) throw notWellFormed("a '<' in an attribute");
        return;
      case SLASH:
        if (c !== 0x3e) throw notWellFormed("a malformed tag");
        this.#state = TEXT;
        if (this.#depth <= 1) this.#flush(i);
        if (this.#depth === 0) this.#state = CLOSED;
        return;
      case END_NAME:
      case END_SPACE:
        if (c === 0x3e) this.#close(i);
        else if (isSpace(c)) this.#state = END_SPACE;
        else if (this.#state === END_SPACE || !isNameChar(c)) {
          throw notWellFormed("a malformed closing tag");
        }
        return;
      case BANG:
        this.#lookahead += String.fromCharCode(c);
        if (!"[CDATA[".startsWith(this.#lookahead)) {
          throw restricted("a comment or a DOCTYPE");
        }
        if (this.#lookahead.length === 7) {
          if (this.#depth < 2) throw notWellFormed("CDATA outside any stanza");
          this.#state = CDATA;
          this.#brackets = 0;
        }
        return;
      case CDATA:
        if (c === 0x5d) this.#brackets++;
        else {
          if (c === 0x3e && this.#brackets >= 2) this.#state = TEXT;
          this.#brackets = 0;
        }
        return;
      case PI_NAME:
        // Only the XML declaration, `<?xml `, at the start of the stream.
        this.#lookahead += String.fromCharCode(c);
        if (
          this.#lookahead.length <= 3
            ? !"xml".startsWith(this.#lookahead)
            : !isSpace(c)
        ) {
          throw restricted("a processing instruction");
        }
        if (this.#lookahead.length === 4) {
          this.#state = PI;
          this.#question = false;
        }
        return;
      case PI:
        if (c === 0x3e && this.#question) {
          this.#declAllowed = false;
          this.#state = TEXT;
          this.#flush(i); // the XML declaration, alone
        }
        this.#question = c === 0x3f;
        return;
    }
  }
}
