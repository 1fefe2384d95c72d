/**
 * Edits of a source-keeping XML tree ({@linkcode XmlElement}) that write what
 * they add the way libpurple writes it (xmlnode.c, `xmlnode_to_str_helper`
 * with formatting on): one tab per level, single-quoted attributes, an
 * element with text on one line, `<x/>` for an element without children, and
 * glib's `g_markup_escape_text` escaping. Everything else keeps its text.
 */
import { attrMap, type XmlElement } from "./_xml_tree.ts";

/** An element to add: name, attributes in order, and either text or children. */
export interface ElementSpec {
  name: string;
  attrs?: [string, string][];
  text?: string;
  children?: ElementSpec[];
}

// Characters XML 1.0 cannot hold, not even as a character reference.
const NOT_XML =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Throws RangeError when `value` has characters an XML file cannot hold. */
export function checkXmlText(value: string, what: string): void {
  if (NOT_XML.test(value)) {
    throw new RangeError(
      `Cannot store ${what}: it has control characters XML cannot hold`,
    );
  }
}

function escapeChar(c: string): string {
  switch (c) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "'":
      return "&apos;";
    case '"':
      return "&quot;";
    default:
      return `&#x${c.codePointAt(0)!.toString(16)};`;
  }
}

/**
 * Escapes text as `g_markup_escape_text` does (`& < > ' "` and C1 controls as
 * `&#x..;`), and CR as `&#xd;`, which a parser would otherwise read as LF.
 */
export function escapeText(value: string): string {
  checkXmlText(value, "text");
  return value.replace(/[&<>'"\r\u007f-\u0084\u0086-\u009f]/g, escapeChar);
}

/**
 * Escapes an attribute value like {@linkcode escapeText}, and also tab and
 * LF, which a parser reads back as spaces when written as they are.
 */
export function escapeAttr(value: string): string {
  checkXmlText(value, "an attribute");
  return value.replace(/[&<>'"\t\n\r\u007f-\u0084\u0086-\u009f]/g, escapeChar);
}

function tabs(depth: number): string {
  return "\t".repeat(depth);
}

function startTagOf(
  name: string,
  attrs: [string, string][],
  empty: boolean,
): string {
  let tag = `<${name}`;
  for (const [key, value] of attrs) tag += ` ${key}='${escapeAttr(value)}'`;
  return tag + (empty ? "/>" : ">");
}

/** Builds `spec` as an element at `depth`, formatted as libpurple formats it. */
export function buildElement(spec: ElementSpec, depth: number): XmlElement {
  const attrList = spec.attrs ?? [];
  const children = spec.children ?? [];
  const empty = spec.text === undefined && children.length === 0;
  const element: XmlElement = {
    name: spec.name,
    attrs: attrMap(attrList),
    attrList,
    startTag: startTagOf(spec.name, attrList, empty),
    endTag: empty ? undefined : `</${spec.name}>`,
    content: [],
    text: spec.text,
    depth,
    line: 0,
  };
  if (spec.text !== undefined) {
    if (spec.text !== "") element.content.push(escapeText(spec.text));
  } else {
    for (const child of children) {
      element.content.push(
        `\n${tabs(depth + 1)}`,
        buildElement(child, depth + 1),
      );
    }
    if (children.length > 0) element.content.push(`\n${tabs(depth)}`);
  }
  return element;
}

/** Where to put a new child: after a given child element, or first or last among them. */
export type Place = { after: XmlElement } | "first" | "last";

function isBlank(node: XmlElement | string): boolean {
  return typeof node === "string" && /^\s*$/.test(node);
}

/**
 * Inserts `child` (a spec, or an element taken out of a parent at the same
 * depth) into `parent` at `place`, on its own line. An empty `<x/>` or
 * `<x></x>` parent gets opened as libpurple would write it. Returns the child.
 */
export function insertChild(
  parent: XmlElement,
  child: ElementSpec | XmlElement,
  place: Place = "last",
): XmlElement {
  const element = "content" in child
    ? child
    : buildElement(child, parent.depth + 1);
  element.depth = parent.depth + 1;
  const indent = `\n${tabs(parent.depth + 1)}`;
  const elements = parent.content.filter((n) => typeof n !== "string");
  if (elements.length === 0) {
    if (parent.endTag === undefined) {
      parent.startTag = parent.startTag.replace(/\s*\/>$/, ">");
      parent.endTag = `</${parent.startTag.slice(1).split(/[\s>]/)[0]}>`;
    }
    if (parent.content.every(isBlank)) parent.content = [];
    parent.content.push(indent, element, `\n${tabs(parent.depth)}`);
    return element;
  }
  if (place === "first") {
    const first = parent.content.indexOf(elements[0]!);
    parent.content.splice(first, 0, element, indent);
    return element;
  }
  const after = place === "last" ? elements[elements.length - 1]! : place.after;
  const at = parent.content.indexOf(after);
  if (at < 0) throw new RangeError("insertChild(): not a child of the parent");
  parent.content.splice(at + 1, 0, indent, element);
  return element;
}

/**
 * Takes `child` out of `parent` with the line break and indentation before
 * it. A parent left with nothing but whitespace becomes `<x/>`, as libpurple
 * writes an element without children.
 */
export function removeChild(parent: XmlElement, child: XmlElement): void {
  const at = parent.content.indexOf(child);
  if (at < 0) throw new RangeError("removeChild(): not a child of the parent");
  parent.content.splice(at, 1);
  const before = parent.content[at - 1];
  if (typeof before === "string") {
    const kept = before.replace(/\s+$/, "");
    if (kept === "") parent.content.splice(at - 1, 1);
    else parent.content[at - 1] = kept;
  }
  if (parent.endTag !== undefined && parent.content.every(isBlank)) {
    parent.content = [];
    parent.startTag = parent.startTag.replace(/\s*>$/, "/>");
    parent.endTag = undefined;
  }
}

/** Puts the element built from `spec` where `old` is. Returns the new element. */
export function replaceChild(
  parent: XmlElement,
  old: XmlElement,
  spec: ElementSpec,
): XmlElement {
  const at = parent.content.indexOf(old);
  if (at < 0) throw new RangeError("replaceChild(): not a child of the parent");
  const element = buildElement(spec, old.depth);
  parent.content[at] = element;
  return element;
}

/** Replaces the character data of a text-only element. */
export function setText(element: XmlElement, text: string): void {
  element.content = text === "" ? [] : [escapeText(text)];
  element.text = text;
  if (element.endTag === undefined) {
    element.startTag = element.startTag.replace(/\s*\/>$/, ">");
    element.endTag = `</${element.name}>`;
  }
}

/** Sets (or with `undefined` removes) an attribute, writing the start tag anew. */
export function setAttr(
  element: XmlElement,
  name: string,
  value: string | undefined,
): void {
  if (element.attrs.get(name) === value) return;
  const list = element.attrList;
  const at = list.findIndex(([qname]) => attrMap([[qname, ""]]).has(name));
  if (value === undefined) list.splice(at, 1);
  else if (at < 0) list.push([name, value]);
  else list[at] = [list[at]![0], value];
  element.attrs = attrMap(list);
  const tagName = element.startTag.slice(1).split(/[\s/>]/)[0]!;
  element.startTag = startTagOf(tagName, list, element.endTag === undefined);
}
