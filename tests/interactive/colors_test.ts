import assert from "node:assert/strict";
import { consistentColor } from "../../src/interactive/colors.ts";

Deno.test("consistentColor() matches the XEP-0392 test vectors", () => {
  // XEP-0392 v0.8, test vectors (RGB scaled to 0..255).
  assert.deepEqual(consistentColor("Romeo"), [221, 0, 175]);
  assert.deepEqual(consistentColor("juliet@capulet.lit"), [0, 131, 146]);
  assert.deepEqual(consistentColor("😺"), [222, 0, 168]);
});
