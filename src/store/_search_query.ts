/**
 * The search language: words (all must be found), `prefix*`, `"quoted
 * phrases"`, `OR`, `NOT` (or `-word`), `AND` and parentheses, case and
 * diacritics ignored. A query becomes an FTS5 expression that finds every
 * message that may match (the index keeps no word positions: a phrase is
 * looked up as all its words) and a test run on each message's text,
 * which decides phrases and gives the positions of the matching words.
 */
import { UsageError } from "../errors.ts";
import { META, type Word, wordsOf } from "./_search_text.ts";

/** A parsed query. */
export type QueryNode =
  | { type: "terms"; words: string[]; prefix: boolean }
  | { type: "and"; children: QueryNode[] }
  | { type: "or"; children: QueryNode[] }
  | { type: "not"; child: QueryNode };

const MAX_QUERY = 1000;
const MAX_TERMS = 32;

type Token =
  | { kind: "word"; text: string; prefix: boolean }
  | { kind: "phrase"; text: string; prefix: boolean }
  | { kind: "op"; text: "AND" | "OR" | "NOT" | "(" | ")" | "-" };

function bad(message: string): UsageError {
  return new UsageError(`Cannot search for this: ${message}`, {
    hint:
      'Use words, prefix* and "quoted phrases", with OR, NOT and parentheses',
  });
}

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0) throw bad("a quote is not closed");
      const prefix = query[end + 1] === "*";
      tokens.push({ kind: "phrase", text: query.slice(i + 1, end), prefix });
      i = end + 1 + (prefix ? 1 : 0);
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: "op", text: c });
      i++;
    } else if (
      c === "-" && i + 1 < query.length && !/[\s-]/.test(query[i + 1]!) &&
      (i === 0 || /[\s(]/.test(query[i - 1]!))
    ) {
      tokens.push({ kind: "op", text: "-" });
      i++;
    } else {
      let end = i;
      while (end < query.length && !/[\s"()]/.test(query[end]!)) end++;
      const text = query.slice(i, end);
      i = end;
      if (text === "AND" || text === "OR" || text === "NOT") {
        tokens.push({ kind: "op", text });
      } else {
        const prefix = text.endsWith("*");
        tokens.push({ kind: "word", text: text.replace(/\*+$/, ""), prefix });
      }
    }
  }
  return tokens;
}

/** Parses a query; throws UsageError with a one-line reason. */
export function parseQuery(query: string): QueryNode {
  if (query.length > MAX_QUERY) {
    throw bad(`longer than ${MAX_QUERY} characters`);
  }
  const tokens = lex(query);
  let at = 0;
  let terms = 0;
  const peek = () => tokens[at];
  const isOp = (t: Token | undefined, text: string) =>
    t?.kind === "op" && t.text === text;
  const orExpr = (): QueryNode => {
    const children = [andExpr()];
    while (isOp(peek(), "OR")) {
      at++;
      children.push(andExpr());
    }
    return children.length === 1 ? children[0]! : { type: "or", children };
  };
  const andExpr = (): QueryNode => {
    const children: QueryNode[] = [];
    while (at < tokens.length && !isOp(peek(), "OR") && !isOp(peek(), ")")) {
      if (isOp(peek(), "AND")) {
        at++;
        continue;
      }
      children.push(unary());
    }
    if (children.length === 0) throw bad("an operator has nothing to work on");
    return children.length === 1 ? children[0]! : { type: "and", children };
  };
  const unary = (): QueryNode => {
    const t = tokens[at++]!;
    if (isOp(t, "NOT") || isOp(t, "-")) {
      if (at >= tokens.length) {
        throw bad(`"${t.kind === "op" ? t.text : ""}" has nothing to exclude`);
      }
      return { type: "not", child: unary() };
    }
    if (isOp(t, "(")) {
      const inner = orExpr();
      if (!isOp(tokens[at++], ")")) throw bad("a parenthesis is not closed");
      return inner;
    }
    if (t.kind === "op") throw bad(`unexpected "${t.text}"`);
    if (++terms > MAX_TERMS) throw bad(`more than ${MAX_TERMS} terms`);
    // The index's own words start with META: no query reaches them.
    const words = wordsOf(t.text.replaceAll(META, " ")).map((w) => w.folded);
    return { type: "terms", words, prefix: t.prefix };
  };
  if (tokens.length === 0) throw bad("the query is empty");
  const node = orExpr();
  if (at < tokens.length) {
    throw bad(`unexpected "${(tokens[at] as { text: string }).text}"`);
  }
  if (!hasPositive(node)) {
    throw bad("it needs at least one word to find, not only words to exclude");
  }
  return node;
}

/** True when `node` can match on its own: some word must be present. */
function hasPositive(node: QueryNode): boolean {
  switch (node.type) {
    case "terms":
      return node.words.length > 0;
    case "not":
      return false;
    case "and":
      return node.children.some(hasPositive);
    case "or":
      return node.children.every(hasPositive);
  }
}

const quote = (w: string) => `"${w.replaceAll('"', '""')}"`;

/**
 * The words of the index a prefix stands for, when there are few enough
 * to list; undefined to let FTS5 expand it.
 */
export type Expand = (prefix: string) => string[] | undefined;

/**
 * The FTS5 expression finding every message `node` may match, or undefined
 * where it cannot narrow the search (a phrase to exclude). With `expand`, a
 * prefix becomes the OR of its words: FTS5 reads an OR lazily, newest
 * first, where it merges all of a prefix's documents before the first.
 */
export function toFts(node: QueryNode, expand?: Expand): string | undefined {
  const fts = (n: QueryNode) => toFts(n, expand);
  switch (node.type) {
    case "terms": {
      if (node.words.length === 0) return undefined;
      return node.words.map((w, i) => {
        if (!node.prefix || i < node.words.length - 1) return quote(w);
        const words = expand?.(w);
        if (words === undefined) return `${quote(w)} *`;
        return words.length === 0
          ? quote(w)
          : `(${words.map(quote).join(" OR ")})`;
      }).join(" AND ");
    }
    case "not":
      return undefined; // handled by the "and" around it
    case "and": {
      const pos = node.children.filter((c) => c.type !== "not").map(fts)
        .filter((s): s is string => s !== undefined);
      if (pos.length === 0) return undefined;
      let expr = pos.map((s) => `(${s})`).join(" AND ");
      for (const c of node.children) {
        if (c.type !== "not") continue;
        // A phrase to exclude is checked on the text.
        const n = c.child;
        const exclude = needsCheck(n) ? undefined : fts(n);
        if (exclude !== undefined) expr = `(${expr}) NOT (${exclude})`;
      }
      return expr;
    }
    case "or": {
      const parts = node.children.map(fts);
      if (parts.some((p) => p === undefined)) return undefined;
      return parts.map((s) => `(${s})`).join(" OR ");
    }
  }
}

/** True when only the text can tell (a phrase somewhere); else FTS5's answer is exact. */
export function needsCheck(node: QueryNode): boolean {
  switch (node.type) {
    case "terms":
      return node.words.length > 1;
    case "not":
      return needsCheck(node.child);
    case "and":
    case "or":
      return node.children.some(needsCheck);
  }
}

function termMatches(
  node: { words: string[]; prefix: boolean },
  words: Word[],
): [number, number][] {
  const out: [number, number][] = [];
  const n = node.words.length;
  if (n === 0) return out;
  for (let i = 0; i + n <= words.length; i++) {
    let ok = true;
    for (let k = 0; k < n && ok; k++) {
      const want = node.words[k]!;
      const got = words[i + k]!.folded;
      ok = node.prefix && k === n - 1 ? got.startsWith(want) : got === want;
    }
    if (ok) out.push([words[i]!.start, words[i + n - 1]!.end]);
  }
  return out;
}

/** Whether `node` matches `text`, and the ranges (UTF-16 offsets) of what matched. */
export function matchText(
  node: QueryNode,
  text: string,
): { ok: boolean; ranges: [number, number][] } {
  const words = wordsOf(text);
  const walk = (n: QueryNode): { ok: boolean; ranges: [number, number][] } => {
    switch (n.type) {
      case "terms": {
        const ranges = termMatches(n, words);
        return { ok: n.words.length === 0 || ranges.length > 0, ranges };
      }
      case "not":
        if (n.child.type === "terms" && n.child.words.length === 0) {
          return { ok: true, ranges: [] };
        }
        return { ok: !walk(n.child).ok, ranges: [] };
      case "and": {
        const parts = n.children.map(walk);
        const ok = parts.every((p) => p.ok);
        return { ok, ranges: ok ? parts.flatMap((p) => p.ranges) : [] };
      }
      case "or": {
        const parts = n.children.map(walk).filter((p) => p.ok);
        return { ok: parts.length > 0, ranges: parts.flatMap((p) => p.ranges) };
      }
    }
  };
  const result = walk(node);
  const sorted = result.ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return { ok: result.ok, ranges: merged };
}
