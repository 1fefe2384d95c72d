/**
 * Cuts the incoming stream into whole top-level elements before the XML
 * parser sees them, and enforces what RFC 6120 (section 11) and our limits
 * demand of the stream:
 *
 * - one top-level element (the bytes since the previous one ended) is at
 *   most `maxBytes()` long and nests at most `maxDepth` deep:
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

/** Limits of one stream. */
export interface FramerLimits {
  /** Largest top-level element, in UTF-8 bytes; read as the stream goes. */
  maxBytes(): number;
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

const TEXT = 0,
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

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Not markup: `<>/="'?!&` and whitespace are not part of names. */
function isNameChar(c: number): boolean {
  return !isSpace(c) && c !== 0x3c && c !== 0x3e && c !== 0x2f &&
    c !== 0x3d && c !== 0x22 && c !== 0x27 && c !== 0x3f && c !== 0x21 &&
    c !== 0x26;
}

function notWellFormed(what: string): StreamViolation {
  return new StreamViolation("not-well-formed", `the server sent ${what}`);
}

function restricted(what: string): StreamViolation {
  return new StreamViolation(
    "restricted-xml",
    `the server sent ${what}, which XMPP forbids`,
  );
}

function describeBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0
    ? `${n / 1024 / 1024} MiB`
    : `${Math.floor(n / 1024)} KiB`;
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
  // Per push: the chunk, where the unit being collected starts in it, what is done.
  #text = "";
  #keep = -1;
  #out: string[] = [];

  constructor(limits: FramerLimits) {
    this.#limits = limits;
  }

  push(text: string): string {
    if (this.#state === CLOSED) return "";
    this.#text = text;
    this.#keep = this.#inUnit ? 0 : -1;
    this.#out = [];
    const max = this.#limits.maxBytes();
    try {
      for (let i = 0; i < text.length && this.#state !== CLOSED; i++) {
        const c = text.charCodeAt(i);
        this.#bytes += c < 0x80
          ? 1
          : c < 0x800 || (c >= 0xd800 && c < 0xe000)
          ? 2
          : 3;
        if (this.#bytes > max) {
          throw new StreamViolation(
            "policy-violation",
            `the server sent a stanza larger than ${describeBytes(max)}`,
          );
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
