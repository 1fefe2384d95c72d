import assert from "node:assert/strict";
import { sanitizeForTerminal } from "../../src/text/sanitize.ts";

Deno.test("sanitizeForTerminal() removes escape sequences and keeps the visible text", async (t) => {
  const cases: [string, string, string][] = [
    ["clear screen", "a\x1b[2J\x1b[Hb", "ab"],
    ["set title (OSC, BEL)", "\x1b]0;pwned\x07hi", "hi"],
    [
      "OSC 8 link",
      "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
      "click",
    ],
    ["cursor moves", "x\x1b[10A\x1b[5Cy", "xy"],
    ["8-bit CSI", "p\x9b31mq", "pq"],
    ["carriage return overwrite", "safe\rEVIL", "safeEVIL"],
    ["bidi override", "abc\u202edcba", "abcdcba"],
    [
      "keeps newlines, tabs and unicode",
      "Zeile 1\n\tÜ 日本 😀",
      "Zeile 1\n\tÜ 日本 😀",
    ],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(sanitizeForTerminal(input), expected),
    );
  }
});
