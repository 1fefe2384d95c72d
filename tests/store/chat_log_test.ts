import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatLog } from "../../src/store/chat_log.ts";
import type { LogStyle } from "../../src/store/chat_log_format.ts";
import { readRecentLog } from "../../src/store/log_reader.ts";
import { conversationLogDir } from "../../src/store/paths.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";

async function style(format: "txt" | "html" = "txt"): Promise<LogStyle> {
  return { format, locale: "C", zone: await loadZoneNames("UTC0") };
}

function message(body: string, name = "bob@localhost") {
  return { direction: "in" as const, name, body, time: new Date() };
}

async function withProfile(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function openLog(purpleDir: string, s: LogStyle) {
  return createChatLog({
    purpleDir,
    account: "alice@localhost",
    accountFull: "alice@localhost/pidgin",
    style: s,
  });
}

Deno.test("createChatLog() logs messages from a JID too long for a file name, and readRecentLog() finds them", async () => {
  await withProfile(async (purpleDir) => {
    for (
      const jid of [
        `${"a".repeat(300)}@localhost`,
        `${"日".repeat(30)}@localhost`,
      ]
    ) {
      const log = openLog(purpleDir, await style());
      await log.append(jid, message("hello"));
      await log.close();
      const entries = await readRecentLog(purpleDir, "alice@localhost", jid, 5);
      assert.deepEqual(entries.map((e) => e.text.replace(/^\(.*?\) /, "")), [
        "bob@localhost: hello",
      ]);
      const dir = conversationLogDir(purpleDir, "alice@localhost", jid);
      assert.ok(
        dir.startsWith(
          join(purpleDir, "logs", "jabber", "alice@localhost") + "/",
        ),
      );
    }
  });
});
