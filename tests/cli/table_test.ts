import assert from "node:assert/strict";
import { formatTable } from "../../src/cli/_table.ts";

Deno.test("formatTable() aligns columns as they show, after sanitising", () => {
  assert.equal(
    formatTable([["JID", "NAME"], ["bob@x", "\x1b[31mBob\x1b[0m"], [
      "c@x",
      "C",
    ]]),
    "JID    NAME\nbob@x  Bob\nc@x    C\n",
  );
});

Deno.test("formatTable() formats 150,000 rows", () => {
  const rows = Array.from({ length: 150_000 }, (_, i) => [`u${i}@x`, "none"]);
  const text = formatTable([["JID", "SUBSCRIPTION"], ...rows]);
  assert.equal(text.split("\n").length, 150_002);
  assert.ok(text.startsWith("JID        SUBSCRIPTION\nu0@x       none\n"));
});
