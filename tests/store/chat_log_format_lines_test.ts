// The parts of chat_log_format.ts the Finch fixture does not show: escaping
// of unusual names and bodies, error and system lines, the 20-minute rule.
import assert from "node:assert/strict";
import {
  formatLogEntry,
  formatLogHeader,
  type LogStyle,
  sendFailureEntry,
} from "../../src/store/chat_log_format.ts";
import { loadZoneNames } from "../../src/store/zone_names.ts";

function at(iso: string): Date {
  return new Date(iso);
}

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
