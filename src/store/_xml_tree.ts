/**
 * A strict XML reader for Pidgin's profile files that keeps the source: each
 * element holds its start and end tags as written and, between its child
 * elements, the raw text (whitespace, comments, CDATA …), so writing the tree
 * out again gives the input byte for byte, and an edit changes only the
 * elements it touches. Well-formedness is checked by saxes (XML 1.0 and
 * namespaces); a DOCTYPE, a declared encoding other than UTF-8, deep nesting
 * and huge input are refused.
 */
import { SaxesParser } from "saxes";
import type { SaxesTagNS } from "saxes";

/** The most characters a profile file may have (32 Mi; Pidgin's are kilobytes). */
export const MAX_XML_CHARS = 32 * 1024 * 1024;
/** The deepest nesting accepted; libpurple's files go 6 levels deep. */
export const MAX_XML_DEPTH = 32;
/** The most elements accepted in one file. */
export const MAX_XML_ELEMENTS = 1_000_000;

/** A file that is not well-formed XML, or not the file it should be; `line` is 1-based. */
export class ProfileSyntaxError extends SyntaxError {
  readonly line: number;
  constructor(line: number, reason: string, options?: ErrorOptions) {
    super(`line ${line}: ${reason}`, options);
    this.name = "ProfileSyntaxError";
    this.line = line;
  }
}

/** One element, with what is needed to write it back unchanged. */
export interface XmlElement {
  /** Local name: libpurple looks elements up by it. */
  readonly name: string;
  /** Attributes by local name, decoded; namespace declarations left out. */
  attrs: Map<string, string>;
  /** Every attribute as written (qualified name, decoded value), namespace declarations too. */
  attrList: [string, string][];
  /** The start tag as written (`<group name='A'>`, or `<blist/>` when empty). */
  startTag: string;
  /** The end tag as written; undefined for an empty-element tag. */
  endTag: string | undefined;
  /** Child elements in order, and the raw source between them. */
  content: (XmlElement | string)[];
  /** Direct character data, decoded, or undefined when there is none (libpurple's `xmlnode_get_data`). */
  text: string | undefined;
  /** Nesting depth: the root is 0. */
  depth: number;
  /** Line of the start tag in the parsed text (0 for elements added since). */
  readonly line: number;
}

/** A parsed file: what precedes the root (declaration, comments), the root, what follows it. */
export interface XmlDocument {
  prolog: string;
  root: XmlElement;
  epilog: string;
}

interface Frame {
  element: XmlElement;
  start: number;
  openEnd: number;
  children: { element: XmlElement; start: number; end: number }[];
}

function isNamespaceDecl(qname: string): boolean {
  return qname === "xmlns" || qname.startsWith("xmlns:");
}

/**
 * The attributes by local name, as libpurple's `xmlnode_get_attrib` finds
 * them (the first of that name), without namespace declarations.
 */
export function attrMap(list: [string, string][]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [qname, value] of list) {
    if (isNamespaceDecl(qname)) continue;
    const local = qname.slice(qname.indexOf(":") + 1);
    if (!map.has(local)) map.set(local, value);
  }
  return map;
}

function failAt(parser: SaxesParser, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/^\d+:\d+: /, "").replace(/\.$/, "");
  throw new ProfileSyntaxError(
    parser.line,
    `not well-formed XML: ${reason}`,
    { cause: err },
  );
}

/**
 * Parses `text` into a tree that keeps its source. Throws
 * {@linkcode ProfileSyntaxError} with the line for anything not well-formed
 * or refused.
 */
export function parseXmlTree(text: string): XmlDocument {
  return parseTree(text);
}

/**
 * Parses a Pidgin profile file whose root element must be `root`; blank
 * text is `empty` (a file without entries). Throws
 * {@linkcode ProfileSyntaxError} for anything else.
 */
export function parseProfileXml(
  text: string,
  file: { name: string; root: string; empty: string },
): XmlDocument {
  const doc = parseTree(/^\s*$/.test(text) ? file.empty : text);
  if (doc.root.name !== file.root) {
    throw new ProfileSyntaxError(
      doc.root.line,
      `not ${file.name}: the root element is <${doc.root.name}>, not <${file.root}>`,
    );
  }
  return doc;
}

function parseTree(text: string): XmlDocument {
  if (text.length > MAX_XML_CHARS) {
    throw new ProfileSyntaxError(1, `larger than ${MAX_XML_CHARS} characters`);
  }
  const parser = new SaxesParser({
    xmlns: true,
    position: true,
    forceXMLVersion: true,
    defaultXMLVersion: "1.0",
  });
  const stack: Frame[] = [];
  let root: { element: XmlElement; start: number; end: number } | undefined;
  let count = 0;
  let refusal: ProfileSyntaxError | undefined;
  const refuse = (reason: string): never => {
    refusal = new ProfileSyntaxError(parser.line, reason);
    throw refusal;
  };
  parser.on("xmldecl", (decl) => {
    if (decl.version !== undefined && decl.version !== "1.0") {
      refuse(`XML version "${decl.version}" is not 1.0`);
    }
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
      refuse(`encoding "${decl.encoding}" is not UTF-8`);
    }
  });
  parser.on("doctype", () => refuse("a DOCTYPE is not allowed here"));
  parser.on("opentagstart", (tag) => {
    if (stack.length >= MAX_XML_DEPTH) {
      refuse(`elements nested deeper than ${MAX_XML_DEPTH} levels`);
    }
    if (++count > MAX_XML_ELEMENTS) {
      refuse(`more than ${MAX_XML_ELEMENTS} elements`);
    }
    const start = text.lastIndexOf("<", parser.position - 1);
    const element: XmlElement = {
      name: tag.name.includes(":")
        ? tag.name.slice(tag.name.indexOf(":") + 1)
        : tag.name,
      attrs: new Map(),
      attrList: [],
      startTag: "",
      endTag: undefined,
      content: [],
      text: undefined,
      depth: stack.length,
      line: parser.line,
    };
    stack.push({ element, start, openEnd: start, children: [] });
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const frame = stack[stack.length - 1]!;
    frame.openEnd = parser.position;
    for (const attr of Object.values(tag.attributes)) {
      frame.element.attrList.push([attr.name, attr.value]);
    }
    frame.element.attrs = attrMap(frame.element.attrList);
  });
  const addText = (data: string) => {
    const top = stack[stack.length - 1];
    if (top) top.element.text = (top.element.text ?? "") + data;
  };
  parser.on("text", addText);
  parser.on("cdata", addText); // libxml2 hands CDATA to libpurple as characters
  parser.on("closetag", (tag) => {
    const frame = stack.pop()!;
    const end = parser.position;
    const { element } = frame;
    if (tag.isSelfClosing) {
      element.startTag = text.slice(frame.start, end);
    } else {
      element.startTag = text.slice(frame.start, frame.openEnd);
      const closeStart = text.lastIndexOf("</", end - 1);
      element.endTag = text.slice(closeStart, end);
      let at = frame.openEnd;
      for (const child of frame.children) {
        if (child.start > at) element.content.push(text.slice(at, child.start));
        element.content.push(child.element);
        at = child.end;
      }
      if (closeStart > at) element.content.push(text.slice(at, closeStart));
    }
    const parent = stack[stack.length - 1];
    const placed = { element, start: frame.start, end };
    if (parent) parent.children.push(placed);
    else root = placed;
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (refusal) throw refusal;
    failAt(parser, err);
  }
  if (!root) throw new ProfileSyntaxError(parser.line, "no root element");
  return {
    prolog: text.slice(0, root.start),
    root: root.element,
    epilog: text.slice(root.end),
  };
}

function elementToString(element: XmlElement, out: string[]): void {
  out.push(element.startTag);
  for (const node of element.content) {
    if (typeof node === "string") out.push(node);
    else elementToString(node, out);
  }
  if (element.endTag !== undefined) out.push(element.endTag);
}

/** The text of a tree: the parsed input itself where nothing was changed. */
export function serializeXmlTree(doc: XmlDocument): string {
  const out = [doc.prolog];
  elementToString(doc.root, out);
  out.push(doc.epilog);
  return out.join("");
}

/** The child elements of `element`, all or those named `name`. */
export function childElements(
  element: XmlElement,
  name?: string,
): XmlElement[] {
  return element.content.filter((node): node is XmlElement =>
    typeof node !== "string" && (name === undefined || node.name === name)
  );
}

/** The first child element named `name` (libpurple's `xmlnode_get_child`). */
export function firstChild(
  element: XmlElement,
  name: string,
): XmlElement | undefined {
  return element.content.find((node): node is XmlElement =>
    typeof node !== "string" && node.name === name
  );
}
