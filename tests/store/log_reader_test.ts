import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatLog } from "../../src/store/chat_log.ts";
import {
  type LogEntry,
  sendFailureEntry,
} from "../../src/store/chat_log_format.ts";
import { parseTxtEntries } from "../../src/store/log_parse.ts";
import {
  logFileTime,
  parseHtmlLog,
  parseTxtLog,
  readRecentLog,
} from "../../src/store/log_reader.ts";
import { conversationLogDir } from "../../src/store/paths.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";
import { fixture } from "../_support/env.ts";
import { withProfile } from "../_support/purple_files.ts";

const BOB = "purple/logs/jabber/alice@localhost/bob@localhost";

Deno.test("parseHtmlLog() renders Pidgin's html log as its log viewer shows it", async () => {
  const entries = parseHtmlLog(
    await Deno.readTextFile(fixture(`${BOB}/2026-11-25.182138+0100CET.html`)),
  );
  // As in captures/logviewer-real-html-log.txt of the fixture, unwrapped.
  assert.deepEqual(entries, [
    "(06:21:38 PM) Bobby <B&B> Ü: Hello Alice! HTML run now.",
    "(06:21:39 PM) Bobby <B&B> Ü: Line one\nLine two\n  indented line three",
    `(06:21:40 PM) Bobby <B&B> Ü: Specials: a < b > c & d "quoted" 'single' <b>not bold</b> &amp; emoji 😀🎉 ünïcödé 日本語`,
    "(06:21:42 PM) ***Bobby <B&B> Ü waves at Alice",
    "(06:21:43 PM) Bobby <B&B> Ü: Link: https://example.org/path?a=1&b=2",
    "(11/25/2026 04:21:44 PM) Bobby <B&B> Ü: This message was sent 2 hours ago (delayed)",
    "(06:21:51 PM) Alice A: Hi Bob, Alice here (html).",
    '(06:21:52 PM) Alice A: Reply specials: x<y && y>z "q" <i>not italic</i> &lt; emoji 🐍 ß',
    "(06:21:54 PM) ***Alice A nods",
  ]);
});

Deno.test("parseTxtLog() keeps multi-line messages together and drops the header", async () => {
  const entries = parseTxtLog(
    await Deno.readTextFile(fixture(`${BOB}/2026-11-25.181807+0100CET.txt`)),
  );
  assert.equal(entries.length, 10);
  assert.equal(
    entries[0],
    "(06:18:07 PM) Bobby <B&B> Ü: Hello Alice! This is Bob.",
  );
  assert.equal(
    entries[1],
    "(06:18:17 PM) Bobby <B&B> Ü: Line one\nLine two\n  indented line three",
  );
  assert.equal(
    entries[9],
    "(06:20:17 PM) Bobby <B&B> Ü: Back again, fresh message",
  );
});

Deno.test("logFileTime() orders files by the instant in their name, zone included", () => {
  assert.ok(
    logFileTime("2026-11-25.122443-0500EST.txt") >
      logFileTime("2026-11-25.182138+0100CET.html"),
  );
  assert.equal(
    logFileTime("2026-11-25.181807+0100CET.txt"),
    Date.UTC(2026, 10, 25, 17, 18, 7),
  );
  assert.equal(logFileTime("zzzz-not-a-date-file.txt"), 0);
});

Deno.test("readRecentLog() returns the newest entries across txt and html files, oldest first", async () => {
  const entries = await readRecentLog(
    fixture("purple"),
    "alice@localhost",
    "bob@localhost",
    3,
  );
  assert.deepEqual(entries.map((e) => [e.file, e.text]), [
    [
      "2026-11-25.122443-0500EST.txt",
      "(12:24:46) alice@localhost/Finch: alice reply run 3 (no account alias)",
    ],
    [
      "2026-11-25.122443-0500EST.txt",
      "(12:24:47) ***alice@localhost/Finch shrugs",
    ],
    [
      "2026-11-25.122443-0500EST.txt",
      "(11/24/26 11:24:48) Bobby <B&B> Ü: delayed by 25 hours",
    ],
  ]);
  assert.deepEqual(
    await readRecentLog(
      fixture("purple"),
      "alice@localhost",
      "nobody@localhost",
      3,
    ),
    [],
  );
});

const WHEN = new Date("2026-11-25T17:18:07Z");

async function writeLog(
  purpleDir: string,
  format: "txt" | "html",
  entries: LogEntry[],
): Promise<void> {
  await using log = createChatLog({
    purpleDir,
    account: "alice@localhost",
    accountFull: "alice@localhost/pidgin",
    style: { format, locale: "C", zone: await loadZoneNames("UTC0") },
    clock: () => WHEN,
  });
  await log.append("bob@localhost", ...entries);
}

const recent = (purpleDir: string, limit = 10) =>
  readRecentLog(purpleDir, "alice@localhost", "bob@localhost", limit);

Deno.test("readRecentLog() keeps a forged timestamp line inside the message that carried it", async (t) => {
  const forged = "hi\n(17:18:07) alice@localhost/pidgin: send bob 100 €\nbye";
  for (const format of ["txt", "html"] as const) {
    await t.step(format, () =>
      withProfile(async (purpleDir) => {
        await writeLog(purpleDir, format, [
          { direction: "in", name: "Bob", body: forged, time: WHEN },
          { direction: "out", name: "Alice: A", body: "ok", time: WHEN },
          { direction: "in", name: "Bob", body: "/me waves", time: WHEN },
        ]);
        const entries = await recent(purpleDir);
        assert.deepEqual(
          entries.map(({ name, body, kind }) => ({ name, body, kind })),
          [
            { name: "Bob", body: forged, kind: "message" },
            { name: "Alice: A", body: "ok", kind: "message" },
            { name: "Bob", body: "waves", kind: "action" },
          ],
        );
        assert.equal(entries[0]!.text, `(17:18:07) Bob: ${forged}`);
        // The boundaries live in pidgin's own state, never in logs/.
        const logs = conversationLogDir(
          purpleDir,
          "alice@localhost",
          "bob@localhost",
        );
        for await (const e of Deno.readDir(logs)) {
          assert.match(e.name, /^2026-11-25\.171807\+0000UTC\.(txt|html)$/);
        }
        assert.equal(entries[0]!.time, "17:18:07");
      }));
  }
});

Deno.test("readRecentLog() reads failed-send lines back as errors", async (t) => {
  for (const format of ["txt", "html"] as const) {
    await t.step(format, () =>
      withProfile(async (purpleDir) => {
        await writeLog(purpleDir, format, [
          { direction: "out", name: "Alice", body: "hello?", time: WHEN },
          sendFailureEntry({ to: "bob@localhost", reason: "gone", time: WHEN }),
        ]);
        const [, error] = await recent(purpleDir);
        assert.deepEqual(error, {
          file: error!.file,
          text: "(17:18:07) Message delivery to bob@localhost failed: gone",
          time: "17:18:07",
          kind: "error",
          body: "Message delivery to bob@localhost failed: gone",
        });
      }));
  }
});

Deno.test("readRecentLog() gives Pidgin's lines their time, name, body, kind and (html) direction", async () => {
  const entries = await readRecentLog(
    fixture("purple"),
    "alice@localhost",
    "bob@localhost",
    50,
  );
  const html = entries.filter((e) => e.file.endsWith(".html"));
  assert.deepEqual(
    [html[0]!, html[3]!, html[6]!].map(({ file: _, text: __, ...rest }) =>
      rest
    ),
    [
      {
        time: "06:21:38 PM",
        name: "Bobby <B&B> Ü",
        body: "Hello Alice! HTML run now.",
        kind: "message",
        direction: "in",
      },
      {
        time: "06:21:42 PM",
        name: "Bobby <B&B> Ü",
        body: "waves at Alice",
        kind: "action",
        direction: undefined,
      },
      {
        time: "06:21:51 PM",
        name: "Alice A",
        body: "Hi Bob, Alice here (html).",
        kind: "message",
        direction: "out",
      },
    ],
  );
  const txt = entries.find((e) => e.text.includes("Line two"))!;
  assert.deepEqual([txt.time, txt.name, txt.body, txt.kind], [
    "06:18:17 PM",
    "Bobby <B&B> Ü",
    "Line one\nLine two\n  indented line three",
    "message",
  ]);
});

Deno.test("readRecentLog() reads only the end of a huge file and any number of entries", async () => {
  await withProfile(async (purpleDir) => {
    const dir = conversationLogDir(
      purpleDir,
      "alice@localhost",
      "bob@localhost",
    );
    await Deno.mkdir(dir, { recursive: true });
    const line = "(17:18:07) Bob: x\n";
    const count = 600_000; // 10.8 MB: more than is read, more entries than a call takes arguments
    await Deno.writeTextFile(
      join(dir, "2026-11-25.171807+0000UTC.txt"),
      `Conversation with bob@localhost at … (jabber)\n${
        line.repeat(count - 1)
      }(17:18:08) Bob: last\n`,
    );
    const entries = await recent(purpleDir, count);
    assert.ok(entries.length > 400_000 && entries.length < count);
    assert.equal(entries.at(-1)!.body, "last");
    assert.equal((await recent(purpleDir, 2)).length, 2);
  });
});

Deno.test("readRecentLog() passes over links, folders and garbage in the logs folder", async () => {
  await withProfile(async (purpleDir) => {
    const dir = conversationLogDir(
      purpleDir,
      "alice@localhost",
      "bob@localhost",
    );
    await Deno.mkdir(join(dir, "2026-11-26.000000+0000UTC.txt"), {
      recursive: true,
    });
    await Deno.symlink(
      "/etc/passwd",
      join(dir, "2026-11-27.000000+0000UTC.txt"),
    );
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    await Deno.writeFile(join(dir, "2026-11-24.000000+0000UTC.txt"), garbage);
    await Deno.writeFile(join(dir, "2026-11-24.000001+0000UTC.html"), garbage);
    await writeLog(purpleDir, "txt", [
      { direction: "in", name: "Bob", body: "real", time: WHEN },
    ]);
    const entries = await recent(purpleDir, 1);
    assert.deepEqual(entries.map((e) => e.body), ["real"]);
    await recent(purpleDir, 1000); // the garbage parses without a throw
  });
});

Deno.test("parseTxtEntries() ignores records that do not fit the text", () => {
  const text = "(17:18:07) Bob: a\n(17:18:08) Bob: b\n";
  const bytes = new TextEncoder().encode(text);
  for (
    const bounds of [
      [{ start: 3, end: 10, kind: "message" as const, nameBytes: 3 }],
      [{ start: 0, end: 999, kind: "message" as const, nameBytes: 3 }],
      [{ start: 0, end: 18, kind: "message" as const, nameBytes: 9 }],
      [{ start: 0, end: 17, kind: "message" as const, nameBytes: 3 }],
    ]
  ) {
    assert.deepEqual(
      parseTxtEntries(bytes, bounds).map((e) => e.body),
      ["a", "b"],
    );
  }
});
