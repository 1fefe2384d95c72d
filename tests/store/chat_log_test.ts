import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatLog } from "../../src/store/chat_log.ts";
import type { LogStyle } from "../../src/store/chat_log_format.ts";
import { readRecentLog } from "../../src/store/log_reader.ts";
import { conversationLogDir } from "../../src/store/paths.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";
import { withProfile } from "../_support/purple_files.ts";

async function style(format: "txt" | "html" = "txt"): Promise<LogStyle> {
  return { format, locale: "C", zone: await loadZoneNames("UTC0") };
}

const SECOND = new Date("2026-11-25T17:18:07.250Z");
const clock = () => SECOND;

function message(body: string, name = "bob@localhost") {
  return { direction: "in" as const, name, body, time: SECOND };
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

const ENOSPC = () =>
  Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
  });

function logWith(
  purpleDir: string,
  s: LogStyle,
  more: Partial<Parameters<typeof createChatLog>[0]> = {},
) {
  return createChatLog({
    purpleDir,
    account: "alice@localhost",
    accountFull: "alice@localhost/pidgin",
    style: s,
    clock,
    ...more,
  });
}

const BOB_DIR = (purpleDir: string) =>
  conversationLogDir(purpleDir, "alice@localhost", "bob@localhost");

async function onlyFile(dir: string): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assert.equal(names.length, 1, names.join(", "));
  return await Deno.readTextFile(join(dir, names[0]!));
}

Deno.test("createChatLog() continues a txt log another writer opened in the same second, with one header", async () => {
  await withProfile(async (purpleDir) => {
    const s = await style("txt");
    await using first = logWith(purpleDir, s);
    await using second = logWith(purpleDir, s);
    await first.append("bob@localhost", message("one", "Bob"));
    await second.append("bob@localhost", message("two", "Bob"));
    await first.append("bob@localhost", message("three", "Bob"));
    const text = await onlyFile(BOB_DIR(purpleDir));
    assert.equal(
      text,
      "Conversation with bob@localhost at Wed Nov 25 17:18:07 2026 on alice@localhost/pidgin (jabber)\n" +
        "(17:18:07) Bob: one\n(17:18:07) Bob: two\n(17:18:07) Bob: three\n",
    );
  });
});

Deno.test("createChatLog() continues a closed html log as one document: the footer moves to the end", async () => {
  await withProfile(async (purpleDir) => {
    const s = await style("html");
    const first = logWith(purpleDir, s);
    await first.append("bob@localhost", message("one", "Bob"));
    await first.close();
    const second = logWith(purpleDir, s);
    await second.append("bob@localhost", message("two", "Bob"));
    await second.close();
    const text = await onlyFile(BOB_DIR(purpleDir));
    const lines = text.split("\n");
    assert.equal(lines.filter((l) => l.startsWith("<!DOCTYPE")).length, 1);
    assert.ok(lines[0]!.startsWith("<!DOCTYPE"));
    assert.ok(text.endsWith("</p>\n</body>\n</html>\n"));
    assert.equal(text.split("</html>").length, 2);
    const entries = await readRecentLog(
      purpleDir,
      "alice@localhost",
      "bob@localhost",
      5,
    );
    assert.deepEqual(entries.map((e) => e.text), [
      "(17:18:07) Bob: one",
      "(17:18:07) Bob: two",
    ]);
  });
});

Deno.test("createChatLog() cuts a write that fails half way back, leaving no torn line", async () => {
  await withProfile(async (purpleDir) => {
    let failNext = false;
    const log = logWith(purpleDir, await style("txt"), {
      writeSync(file, bytes) {
        if (!failNext) return file.writeSync(bytes);
        failNext = false;
        file.writeSync(bytes.subarray(0, Math.floor(bytes.length / 2)));
        throw ENOSPC();
      },
    });
    await log.append("bob@localhost", message("kept", "Bob"));
    const before = await onlyFile(BOB_DIR(purpleDir));
    failNext = true;
    await assert.rejects(
      log.append("bob@localhost", message("a long line that is torn", "Bob")),
      (err: Error) => {
        assert.equal(err.name, "StoreError");
        assert.match(err.message, /: the disk is full$/);
        return true;
      },
    );
    assert.equal(await onlyFile(BOB_DIR(purpleDir)), before);
    await log.append("bob@localhost", message("after", "Bob"));
    await log.close();
    assert.equal(
      await onlyFile(BOB_DIR(purpleDir)),
      `${before}(17:18:07) Bob: after\n`,
    );
  });
});

Deno.test("createChatLog() leaves no empty log file when the first write fails", async () => {
  await withProfile(async (purpleDir) => {
    const log = logWith(purpleDir, await style("html"), {
      writeSync(file, bytes) {
        file.writeSync(bytes.subarray(0, 10));
        throw ENOSPC();
      },
    });
    await assert.rejects(
      log.append("bob@localhost", message("hi")),
      /the disk is full/,
    );
    await log.close();
    const names: string[] = [];
    for await (const e of Deno.readDir(BOB_DIR(purpleDir))) names.push(e.name);
    assert.deepEqual(names, []);
  });
});

Deno.test("createChatLog() fails per conversation: a blocked folder fails only its own contact", async () => {
  await withProfile(async (purpleDir) => {
    const carol = conversationLogDir(
      purpleDir,
      "alice@localhost",
      "carol@localhost",
    );
    await Deno.mkdir(join(carol, ".."), { recursive: true });
    await Deno.writeTextFile(carol, "not a folder");
    const log = logWith(purpleDir, await style("html"));
    await assert.rejects(
      log.append("carol@localhost", message("lost")),
      /Cannot write the chat log ".*carol@localhost.*": /,
    );
    await log.append("bob@localhost", message("kept"));
    await assert.rejects(log.append("carol@localhost", message("again")));
    await log.close();
    assert.match(await onlyFile(BOB_DIR(purpleDir)), /kept<br>\n<\/p>\n/);
    assert.equal(await Deno.readTextFile(carol), "not a folder");
  });
});

Deno.test("createChatLog() closes every file even when one footer cannot be written", async () => {
  await withProfile(async (purpleDir) => {
    let failures = 0;
    const log = logWith(purpleDir, await style("html"), {
      writeSync(file, bytes) {
        const text = new TextDecoder().decode(bytes);
        if (text.startsWith("</p>") && failures++ === 0) throw ENOSPC();
        return file.writeSync(bytes);
      },
    });
    await log.append("bob@localhost", message("b"));
    await log.append("carol@localhost", message("c"));
    await assert.rejects(log.close(), /the disk is full/);
    const carol = conversationLogDir(
      purpleDir,
      "alice@localhost",
      "carol@localhost",
    );
    const ends = [await onlyFile(BOB_DIR(purpleDir)), await onlyFile(carol)]
      .map((t) => t.endsWith("</html>\n"));
    assert.deepEqual(ends.sort(), [false, true]);
  });
});

Deno.test("createChatLog() never writes through a symbolic link in the logs folder", async (t) => {
  await withProfile(async (purpleDir) => {
    const outside = join(purpleDir, "outside.txt");
    await Deno.writeTextFile(outside, "precious\n");
    const s = await style("txt");
    await t.step("a link where the log file goes", async () => {
      const dir = BOB_DIR(purpleDir);
      await Deno.mkdir(dir, { recursive: true });
      await Deno.symlink(outside, join(dir, "2026-11-25.171807+0000UTC.txt"));
      const log = logWith(purpleDir, s);
      await assert.rejects(
        log.append("bob@localhost", message("x")),
        /symbolic link/,
      );
      await log.close();
    });
    await t.step("a linked folder that leads out of logs/", async () => {
      const carol = conversationLogDir(
        purpleDir,
        "alice@localhost",
        "carol@localhost",
      );
      await Deno.symlink(purpleDir, carol);
      const log = logWith(purpleDir, s);
      await assert.rejects(
        log.append("carol@localhost", message("x")),
        /symbolic link leads out of the logs folder/,
      );
      await log.close();
    });
    assert.equal(await Deno.readTextFile(outside), "precious\n");
  });
});

Deno.test("createChatLog() starts on a new line after a line another writer left unfinished", async () => {
  await withProfile(async (purpleDir) => {
    const dir = BOB_DIR(purpleDir);
    await Deno.mkdir(dir, { recursive: true });
    const path = join(dir, "2026-11-25.171807+0000UTC.txt");
    await Deno.writeTextFile(
      path,
      "Conversation with bob@localhost …\n(17:18:06) Bob: cut",
    );
    const log = logWith(purpleDir, await style("txt"));
    await log.append("bob@localhost", message("whole", "Bob"));
    await log.close();
    assert.equal(
      await Deno.readTextFile(path),
      "Conversation with bob@localhost …\n(17:18:06) Bob: cut\n(17:18:07) Bob: whole\n",
    );
  });
});
