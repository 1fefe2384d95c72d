/**
 * The stream parser xmpp.js runs, behind our checks: bytes are decoded as
 * strict UTF-8, cut into whole elements by the framer (`_framer.ts`), then
 * parsed by @xmpp/xml. Whatever breaks a rule becomes one `error` event with
 * a {@linkcode StreamViolation}; after it, input is ignored.
 */
import { createFramer } from "./_framer.ts";
import { StreamViolation } from "./_failures.ts";
import { type Element, EventEmitter, XmlParser } from "./_xmpp_js.ts";

const NS_STREAM = "http://etherx.jabber.org/streams";

/** Nesting deeper than this is refused: no stanza needs it, recursion does not survive it. */
const MAX_DEPTH = 128;

/** What the parser reads of the connection's limits. */
export interface ParserLimits {
  /** Largest incoming top-level element, in bytes, given its start tag once read. */
  incomingMax(startTag?: string): number;
}

/** The parser's view that the entity reads after an `error` event. */
export interface GuardedParser {
  violation: StreamViolation | undefined;
}

function checkHeader(root: Element): StreamViolation | undefined {
  if (root.getName() !== "stream" || root.getNS() !== NS_STREAM) {
    return new StreamViolation(
      "invalid-namespace",
      "the server did not open an XMPP stream",
    );
  }
  const major = Number(String(root.attrs.version ?? "0").split(".")[0]);
  if (!(major >= 1)) {
    return new StreamViolation(
      "unsupported-version",
      "the server speaks a version of XMPP older than 1.0",
    );
  }
  return undefined;
}

/** The parser class for one connection; xmpp.js makes one per stream. */
export function createParserClass(limits: ParserLimits): unknown {
  return class extends EventEmitter implements GuardedParser {
    violation: StreamViolation | undefined;
    #decoder = new TextDecoder("utf-8", { fatal: true });
    #framer = createFramer({
      maxBytes: limits.incomingMax,
      maxDepth: MAX_DEPTH,
    });
    #inner = new XmlParser();
    #first = true;
    /** An exception thrown by a handler of ours: a bug, never the server's fault. */
    #handlerError: unknown = undefined;

    constructor() {
      super();
      this.#inner.on("start", (root: Element) => {
        const bad = checkHeader(root);
        if (bad) this.#fail(bad);
        else this.#forward("start", root);
      });
      this.#inner.on("element", (el: Element) => this.#forward("element", el));
      this.#inner.on("end", (el: Element) => this.#forward("end", el));
      this.#inner.on("error", () =>
        this.#fail(
          new StreamViolation(
            "not-well-formed",
            "the server sent XML that is not well-formed",
          ),
        ));
    }

    #forward(event: string, element: Element): void {
      if (this.violation) return;
      try {
        this.emit(event, element);
      } catch (err) {
        this.#handlerError = err;
        throw err;
      }
    }

    #fail(violation: StreamViolation): void {
      if (this.violation) return;
      this.violation = violation;
      this.emit("error", violation);
    }

    write(data: Uint8Array | string): void {
      if (this.violation) return;
      let text: string;
      if (typeof data === "string") text = data;
      else {
        if (this.#first && (data[0] === 0x15 || data[0] === 0x16)) {
          return this.#fail(
            new StreamViolation(
              "bad-format",
              "the server answered with TLS, not XMPP",
              true,
            ),
          );
        }
        try {
          text = this.#decoder.decode(data, { stream: true });
        } catch {
          return this.#fail(
            new StreamViolation(
              "unsupported-encoding",
              "the server sent bytes that are not UTF-8",
            ),
          );
        }
      }
      if (data.length > 0) this.#first = false;
      const whole = this.#framer.push(text);
      if (whole) {
        try {
          this.#inner.write(whole);
        } catch (err) {
          if (err === this.#handlerError) throw err;
          // ltx throws on an undefined entity or an illegal character reference.
          return this.#fail(
            new StreamViolation(
              "not-well-formed",
              "the server sent an undefined entity or character reference",
            ),
          );
        }
      }
      // Elements before a violation are handled; then the stream ends.
      if (this.#framer.violation) this.#fail(this.#framer.violation);
    }

    end(): void {}
  };
}
