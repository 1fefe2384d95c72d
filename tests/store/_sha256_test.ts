import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256Hex } from "../../src/store/_sha256.ts";

Deno.test("sha256Hex() matches node:crypto's SHA-256 across block boundaries", () => {
  for (
    const text of [
      "",
      "abc",
      "a".repeat(55),
      "a".repeat(56),
      "a".repeat(64),
      "日本語".repeat(100),
    ]
  ) {
    assert.equal(
      sha256Hex(text),
      createHash("sha256").update(text).digest("hex"),
    );
  }
});
