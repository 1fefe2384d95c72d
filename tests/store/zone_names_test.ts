import assert from "node:assert/strict";
import { parsePosixRule } from "../../src/store/zone_names.ts";

Deno.test("parsePosixRule() reads names and the standard offset of tz database rules", () => {
  assert.deepEqual(parsePosixRule("CET-1CEST,M3.5.0,M10.5.0/3"), {
    std: "CET",
    stdOffset: 60,
    dst: "CEST",
  });
  assert.deepEqual(parsePosixRule("EST5EDT,M3.2.0,M11.1.0"), {
    std: "EST",
    stdOffset: -300,
    dst: "EDT",
  });
  assert.deepEqual(parsePosixRule("<+0530>-5:30"), {
    std: "+0530",
    stdOffset: 330,
    dst: undefined,
  });
  assert.deepEqual(parsePosixRule("UTC0"), {
    std: "UTC",
    stdOffset: 0,
    dst: undefined,
  });
  assert.equal(parsePosixRule(""), undefined);
});
