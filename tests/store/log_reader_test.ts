import assert from "node:assert/strict";
import {
  logFileTime,
  parseHtmlLog,
  parseTxtLog,
  readRecentLog,
} from "../../src/store/log_reader.ts";
import { fixture } from "../_support/env.ts";

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
