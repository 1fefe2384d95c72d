import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import {
  matchText,
  needsCheck,
  parseQuery,
  toFts,
} from "../../src/store/_search_query.ts";

Deno.test("parseQuery() turns words, prefixes, phrases and operators into an FTS5 expression", async (t) => {
  for (
    const [query, fts, check] of [
      ["printer", '"printer"', false],
      ["Printer JAMMED", '("printer") AND ("jammed")', false],
      ["prin*", '"prin" *', false],
      ['"floor 3"', '"floor" AND "3"', true],
      ["bob@example.com", '"bob" AND "example" AND "com"', true],
      ["日本", '"日" AND "本"', true],
      ["café", '"cafe"', false],
      ["a OR b", '("a") OR ("b")', false],
      ["a -b", '(("a")) NOT ("b")', false],
      ['a NOT "b c"', '("a")', true],
      ["(a OR b) c", '(("a") OR ("b")) AND ("c")', false],
      ['x "quo"te"', undefined, false],
    ] as const
  ) {
    await t.step(query, () => {
      if (fts === undefined) {
        return assert.throws(() => parseQuery(query), UsageError);
      }
      const node = parseQuery(query);
      assert.equal(toFts(node), fts);
      assert.equal(needsCheck(node), check);
    });
  }
});

Deno.test("parseQuery() refuses what cannot be searched with a one-line UsageError", async (t) => {
  for (
    const query of [
      '"unclosed',
      "(a",
      "a)",
      "OR",
      "a OR",
      "-a",
      "NOT a",
      "",
      "   ",
      "&&",
      "x".repeat(1001),
    ]
  ) {
    await t.step(JSON.stringify(query.slice(0, 20)), () => {
      assert.throws(() => parseQuery(query), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.ok(!err.message.includes("\n"));
        return true;
      });
    });
  }
});

Deno.test("matchText() decides phrases and finds what to highlight", () => {
  const text = "Line one\nLine two\n  Ünïcödé 日本語 & prints";
  assert.deepEqual(matchText(parseQuery('"one line"'), text), {
    ok: true,
    ranges: [[5, 13]],
  });
  assert.equal(matchText(parseQuery('"two line"'), text).ok, false);
  assert.deepEqual(matchText(parseQuery("unicode"), text).ranges, [[20, 27]]);
  assert.deepEqual(matchText(parseQuery("本語"), text).ranges, [[29, 31]]);
  assert.deepEqual(matchText(parseQuery("print*"), text).ranges, [[34, 40]]);
  assert.equal(matchText(parseQuery('line NOT "line two"'), text).ok, false);
  assert.deepEqual(matchText(parseQuery("one OR zzz"), text), {
    ok: true,
    ranges: [[5, 8]],
  });
});
