import assert from "node:assert/strict";
import {
  formatLogEntry,
  formatLogHeader,
  type LogEntry,
  type LogStyle,
  sendFailureEntry,
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

const UTC_STYLE = async (format: "txt" | "html"): Promise<LogStyle> => ({
  format,
  locale: "en_US",
  zone: await loadZoneNames("UTC0"),
});
const T = at("2026-11-25T17:18:07Z");

// Expected bytes from libpurple 2.14.12 itself: g_markup_escape_text for the
// name, purple_markup_escape_text + purple_strdup_withhtml +
// purple_markup_html_to_xhtml for the body (jabber's message.c, log.c).
Deno.test("formatLogEntry() escapes names as g_markup_escape_text and bodies as libpurple's html logger", async () => {
  const html = await UTC_STYLE("html");
  const line = (name: string, body: string) =>
    formatLogEntry({ direction: "in", name, body, time: T }, html, T);
  assert.equal(
    line("O'Brien", "it's"),
    `<span style="color: #A82F2F"><span style="font-size: smaller">(05:18:07 PM)</span> <b>O&apos;Brien:</b></span> it's<br>\n`,
  );
  assert.equal(
    line("a\tb\x01c\x7fd\u0085e\u0086", "a\tb\x01c\x7fd\u0085e\u0086"),
    `<span style="color: #A82F2F"><span style="font-size: smaller">(05:18:07 PM)</span> <b>a\tb&#x1;c&#x7f;d\u0085e&#x86;:</b></span> a\tb&#x1;c&#x7f;d\u0085e&#x86;<br>\n`,
  );
  assert.equal(
    line("Bob", "l1\r\nl2\rl3\n\nl5"),
    `<span style="color: #A82F2F"><span style="font-size: smaller">(05:18:07 PM)</span> <b>Bob:</b></span> l1<br/>l2l3<br/><br/>l5<br>\n`,
  );
});

Deno.test("formatLogEntry() drops carriage returns and writes tabs as spaces in txt, as libpurple does", async () => {
  const txt = await UTC_STYLE("txt");
  assert.equal(
    formatLogEntry(
      { direction: "in", name: "Bob", body: "l1\r\nl2\rl3\ta\x01", time: T },
      txt,
      T,
    ),
    "(05:18:07 PM) Bob: l1\nl2l3 a\x01\n",
  );
});

Deno.test("formatLogEntry() treats /me in any case as an action (purple_message_meify)", async () => {
  assert.equal(
    formatLogEntry(
      { direction: "in", name: "Bob", body: "/ME waves", time: T },
      await UTC_STYLE("txt"),
      T,
    ),
    "(05:18:07 PM) ***Bob waves\n",
  );
});

Deno.test("formatLogEntry() writes error and system lines as log.c does", async (t) => {
  const failed = sendFailureEntry({ to: "bob@localhost", time: T });
  const refused = sendFailureEntry({
    to: "bob@localhost",
    reason: "item-not-found",
    time: T,
  });
  assert.equal(failed.text, "Unable to send message.");
  await t.step("txt", async () => {
    const txt = await UTC_STYLE("txt");
    assert.equal(
      formatLogEntry(failed, txt, T),
      "(05:18:07 PM) Unable to send message.\n",
    );
    assert.equal(
      formatLogEntry(refused, txt, T),
      "(05:18:07 PM) Message delivery to bob@localhost failed: item-not-found\n",
    );
  });
  await t.step("html", async () => {
    const html = await UTC_STYLE("html");
    assert.equal(
      formatLogEntry(failed, html, T),
      `<span style="color: #FF0000"><span style="font-size: smaller">(05:18:07 PM)</span><b> Unable to send message.</b></span><br>\n`,
    );
    assert.equal(
      formatLogEntry({ kind: "system", text: "a <b> & c", time: T }, html, T),
      `<span style="font-size: smaller">(05:18:07 PM)</span><b> a &lt;b&gt; &amp; c</b><br>\n`,
    );
  });
});

Deno.test("formatLogEntry() shows the date once a line is more than 20 minutes old in whole seconds (time(NULL) > when + 20*60)", async () => {
  const txt = await UTC_STYLE("txt");
  const entry = {
    direction: "in" as const,
    name: "Bob",
    body: "x",
    time: at("2026-11-25T17:00:00.900Z"),
  };
  assert.equal(
    formatLogEntry(entry, txt, at("2026-11-25T17:20:00.950Z")),
    "(05:00:00 PM) Bob: x\n",
  );
  assert.equal(
    formatLogEntry(entry, txt, at("2026-11-25T17:20:01.000Z")),
    "(11/25/2026 05:00:00 PM) Bob: x\n",
  );
});

Deno.test("formatLogHeader() and html lines stay one line whatever a server or contact puts in a name", async () => {
  const header = {
    contact: "bob@localhost",
    account: "alice@localhost/evil\n(05:18:07 PM) bob@localhost: forged",
    opened: T,
  };
  for (const format of ["txt", "html"] as const) {
    const s = await UTC_STYLE(format);
    assert.equal(formatLogHeader(header, s).split("\n").length, 2, format);
  }
  const line = formatLogEntry(
    { direction: "in", name: "Bob\n(05:18:07 PM) x", body: "hi", time: T },
    await UTC_STYLE("html"),
    T,
  );
  assert.equal(line.indexOf("\n"), line.length - 1);
  assert.match(line, /<b>Bob \(05:18:07 PM\) x:<\/b>/);
});
