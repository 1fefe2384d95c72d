import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatLog } from "../../src/store/chat_log.ts";
import { parseBounds, readBounds } from "../../src/store/log_bounds.ts";
import { conversationLogDir, logBoundsPath } from "../../src/store/paths.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";
import { withProfile } from "../_support/purple_files.ts";

const WHEN = new Date("2026-11-25T17:18:07Z");

async function txtLog(purpleDir: string) {
  return createChatLog({
    purpleDir,
    account: "alice@localhost",
    accountFull: "alice@localhost/pidgin",
    style: { format: "txt", locale: "C", zone: await loadZoneNames("UTC0") },
    clock: () => WHEN,
  });
}

Deno.test("createChatLog() records only the entries a reader could not split by their text", async () => {
  await withProfile(async (purpleDir) => {
    const log = await txtLog(purpleDir);
    await log.append(
      "bob@localhost",
      { direction: "in", name: "Bob", body: "plain", time: WHEN },
      { direction: "in", name: "Bob", body: "two\nlines", time: WHEN },
      { direction: "in", name: "Bö", body: "/me waves", time: WHEN },
    );
    await log.close();
    const path = logBoundsPath(
      purpleDir,
      "alice@localhost",
      "bob@localhost",
      "2026-11-25.171807+0000UTC.txt",
    );
    assert.ok(
      path.startsWith(join(purpleDir, "pidgin", "alice@localhost") + "/"),
    );
    // Header 95 bytes, "(17:18:07) Bob: plain\n" 22, then 26, then 24 ("ö" is 2 bytes).
    assert.equal(
      await Deno.readTextFile(path),
      "117 26 message 3\n143 24 action 3\n",
    );
    assert.deepEqual(await readBounds(path), [
      { start: 117, end: 143, kind: "message", nameBytes: 3 },
      { start: 143, end: 167, kind: "action", nameBytes: 3 },
    ]);
  });
});

Deno.test("createChatLog() takes a multi-line line back when its boundaries cannot be recorded", async () => {
  await withProfile(async (purpleDir) => {
    await Deno.writeTextFile(join(purpleDir, "pidgin"), "a file, not a folder");
    const log = await txtLog(purpleDir);
    await log.append("bob@localhost", {
      direction: "in",
      name: "Bob",
      body: "one line",
      time: WHEN,
    });
    await assert.rejects(
      log.append("bob@localhost", {
        direction: "in",
        name: "Bob",
        body: "two\n(17:18:07) alice@localhost/pidgin: lines",
        time: WHEN,
      }),
      /Cannot write the log boundaries ".*": a part of the path is not a directory/,
    );
    await log.close();
    const dir = conversationLogDir(
      purpleDir,
      "alice@localhost",
      "bob@localhost",
    );
    const text = await Deno.readTextFile(
      join(dir, "2026-11-25.171807+0000UTC.txt"),
    );
    assert.ok(text.endsWith("(17:18:07) Bob: one line\n"), text);
  });
});

Deno.test("parseBounds() skips torn and foreign lines", () => {
  assert.deepEqual(
    parseBounds("10 5 message 2\n12\n7 x message\n20 0 error\n30 4 system\n"),
    [
      { start: 10, end: 15, kind: "message", nameBytes: 2 },
      { start: 30, end: 34, kind: "system", nameBytes: undefined },
    ],
  );
});
