import assert from "node:assert/strict";
import {
  formatLogEntry,
  formatLogHeader,
  type LogEntry,
  type LogStyle,
} from "../../src/store/chat_log_format.ts";
import { formatFileStamp } from "../../src/store/log_time.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";
import { fixture, withEnv } from "../_support/env.ts";

const BOB = "logs/jabber/alice@localhost/bob@localhost";
const BOBBY = "Bobby <B&B> Ü";

function at(iso: string): Date {
  return new Date(iso);
}

async function fixtureLines(name: string): Promise<string[]> {
  const text = await Deno.readTextFile(fixture(`purple/${BOB}/${name}`));
  // Split after each newline that starts a new entry, keeping multi-line bodies whole.
  return text.split(/(?<=\n)(?=\(|<span|<\/p>)/);
}

// The fixture's real Pidgin run, Berlin, en_US: what was said and when (UTC).
const TXT_RUN: [LogEntry, Date?][] = [
  [{
    direction: "in",
    name: BOBBY,
    body: "Hello Alice! This is Bob.",
    time: at("2026-11-25T17:18:07Z"),
  }],
  [{
    direction: "in",
    name: BOBBY,
    body: "Line one\nLine two\n  indented line three",
    time: at("2026-11-25T17:18:17Z"),
  }],
  [{
    direction: "in",
    name: BOBBY,
    body:
      "Specials: a < b > c & d \"quoted\" 'single' <b>not bold</b> &amp; emoji 😀🎉 ünïcödé 日本語",
    time: at("2026-11-25T17:18:18Z"),
  }],
  [{
    direction: "in",
    name: BOBBY,
    body: "/me waves at Alice",
    time: at("2026-11-25T17:18:20Z"),
  }],
  [{
    direction: "in",
    name: BOBBY,
    body: "Link: https://example.org/path?a=1&b=2",
    time: at("2026-11-25T17:18:21Z"),
  }],
  [{
    direction: "out",
    name: "Alice A",
    body: "Hi Bob, Alice here.",
    time: at("2026-11-25T17:18:27Z"),
  }],
  [{
    direction: "out",
    name: "Alice A",
    body: 'Reply specials: x<y && y>z "q" <i>not italic</i> &lt; emoji 🐍 ß',
    time: at("2026-11-25T17:18:28Z"),
  }],
  [{
    direction: "out",
    name: "Alice A",
    body: "/me nods",
    time: at("2026-11-25T17:18:29Z"),
  }],
  [
    {
      direction: "in",
      name: BOBBY,
      body: "This message was sent 2 hours ago (delayed)",
      time: at("2026-11-25T15:20:16Z"),
    },
    at("2026-11-25T17:20:16Z"),
  ],
  [{
    direction: "in",
    name: BOBBY,
    body: "Back again, fresh message",
    time: at("2026-11-25T17:20:17Z"),
  }],
];

Deno.test("formatLogEntry() writes txt lines byte for byte as Pidgin 2.14 (en_US, Berlin)", async () => {
  await withEnv({ TZ: "Europe/Berlin" }, async () => {
    const style: LogStyle = {
      format: "txt",
      locale: "en_US",
      zone: await loadZoneNames("Europe/Berlin"),
    };
    const [header, ...lines] = await fixtureLines(
      "2026-11-25.181807+0100CET.txt",
    );
    assert.equal(
      formatLogHeader({
        contact: "bob@localhost",
        account: "alice@localhost/Finch",
        opened: at("2026-11-25T17:18:07Z"),
      }, style),
      header,
    );
    assert.equal(lines.length, TXT_RUN.length);
    TXT_RUN.forEach(([entry, now], i) => {
      assert.equal(
        formatLogEntry(entry, style, now ?? entry.time),
        lines[i],
        `line ${i + 2}`,
      );
    });
  });
});

Deno.test("formatLogEntry() writes html lines byte for byte as Pidgin 2.14", async () => {
  await withEnv({ TZ: "Europe/Berlin" }, async () => {
    const style: LogStyle = {
      format: "html",
      locale: "en_US",
      zone: await loadZoneNames("Europe/Berlin"),
    };
    const [header, ...lines] = await fixtureLines(
      "2026-11-25.182138+0100CET.html",
    );
    assert.equal(
      formatLogHeader({
        contact: "bob@localhost",
        account: "alice@localhost/Finch",
        opened: at("2026-11-25T17:21:38Z"),
      }, style),
      header,
    );
    const cases: [LogEntry, Date?][] = [
      [{
        direction: "in",
        name: BOBBY,
        body: "Hello Alice! HTML run now.",
        time: at("2026-11-25T17:21:38Z"),
      }],
      [{
        direction: "in",
        name: BOBBY,
        body: "Line one\nLine two\n  indented line three",
        time: at("2026-11-25T17:21:39Z"),
      }],
      [{ ...TXT_RUN[2]![0], time: at("2026-11-25T17:21:40Z") }],
      [{
        direction: "in",
        name: BOBBY,
        body: "/me waves at Alice",
        time: at("2026-11-25T17:21:42Z"),
      }],
      [{
        direction: "in",
        name: BOBBY,
        body: "Link: https://example.org/path?a=1&b=2",
        time: at("2026-11-25T17:21:43Z"),
      }],
      [
        {
          direction: "in",
          name: BOBBY,
          body: "This message was sent 2 hours ago (delayed)",
          time: at("2026-11-25T15:21:44Z"),
        },
        at("2026-11-25T17:21:44Z"),
      ],
      [{
        direction: "out",
        name: "Alice A",
        body: "Hi Bob, Alice here (html).",
        time: at("2026-11-25T17:21:51Z"),
      }],
      [{ ...TXT_RUN[6]![0], time: at("2026-11-25T17:21:52Z") }],
      [{
        direction: "out",
        name: "Alice A",
        body: "/me nods",
        time: at("2026-11-25T17:21:54Z"),
      }],
    ];
    cases.forEach(([entry, now], i) => {
      assert.equal(
        formatLogEntry(entry, style, now ?? entry.time),
        lines[i],
        `line ${i + 2}`,
      );
    });
    assert.equal(lines.at(-1), "</p>\n</body>\n</html>\n");
  });
});

Deno.test("formatLogEntry() uses the C locale's formats and the JID without an account alias (New York)", async () => {
  await withEnv({ TZ: "America/New_York" }, async () => {
    const style: LogStyle = {
      format: "txt",
      locale: "C",
      zone: await loadZoneNames("America/New_York"),
    };
    const [header, ...lines] = await fixtureLines(
      "2026-11-25.122443-0500EST.txt",
    );
    assert.equal(
      formatLogHeader({
        contact: "bob@localhost",
        account: "alice@localhost/Finch",
        opened: at("2026-11-25T17:24:43Z"),
      }, style),
      header,
    );
    const me = "alice@localhost/Finch";
    const cases: [LogEntry, Date?][] = [
      [{
        direction: "in",
        name: BOBBY,
        body: "Run 3 IM from bob",
        time: at("2026-11-25T17:24:43Z"),
      }],
      [{
        direction: "out",
        name: me,
        body: "alice reply run 3 (no account alias)",
        time: at("2026-11-25T17:24:46Z"),
      }],
      [{
        direction: "out",
        name: me,
        body: "/me shrugs",
        time: at("2026-11-25T17:24:47Z"),
      }],
      [{
        direction: "in",
        name: BOBBY,
        body: "delayed by 25 hours",
        time: at("2026-11-24T16:24:48Z"),
      }, at("2026-11-25T17:24:48Z")],
    ];
    cases.forEach(([entry, now], i) =>
      assert.equal(formatLogEntry(entry, style, now ?? entry.time), lines[i])
    );
  });
});

Deno.test("formatFileStamp() names files like Pidgin, with the zone abbreviation", async (t) => {
  await t.step(
    "Berlin in winter",
    () =>
      withEnv({ TZ: "Europe/Berlin" }, async () => {
        const zone = await loadZoneNames("Europe/Berlin");
        assert.equal(
          formatFileStamp(at("2026-11-25T17:18:07Z"), zone),
          "2026-11-25.181807+0100CET",
        );
      }),
  );
  await t.step(
    "Berlin in summer",
    () =>
      withEnv({ TZ: "Europe/Berlin" }, async () => {
        const zone = await loadZoneNames("Europe/Berlin");
        assert.equal(
          formatFileStamp(at("2025-07-01T10:00:00Z"), zone),
          "2025-07-01.120000+0200CEST",
        );
      }),
  );
  await t.step(
    "New York",
    () =>
      withEnv({ TZ: "America/New_York" }, async () => {
        const zone = await loadZoneNames("America/New_York");
        assert.equal(
          formatFileStamp(at("2026-11-25T17:24:43Z"), zone),
          "2026-11-25.122443-0500EST",
        );
      }),
  );
});
