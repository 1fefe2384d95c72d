import assert from "node:assert/strict";
import { formatFileStamp, formatOffset } from "../../src/store/log_time.ts";
import { parsePosixTz } from "../../src/store/posix_tz.ts";
import { loadZoneNames, ruleFromTzif } from "../../src/store/zone_names.ts";

Deno.test("parsePosixTz() reads names and offsets of tz database rules", () => {
  const cet = parsePosixTz("CET-1CEST,M3.5.0,M10.5.0/3");
  assert.deepEqual([cet.std.name, cet.std.offset], ["CET", 3600]);
  assert.deepEqual([cet.dst.name, cet.dst.offset], ["CEST", 7200]);
  assert.deepEqual(cet.dst.change, {
    type: "M",
    month: 10,
    week: 5,
    day: 0,
    seconds: 3 * 3600,
  });
  const india = parsePosixTz("<+0530>-5:30");
  assert.deepEqual([india.std.name, india.std.offset], ["+0530", 19800]);
  assert.deepEqual([india.dst.name, india.dst.offset], ["+0530", 19800]);
  assert.equal(parsePosixTz("").std.name, "");
});

// glibc's `date` is the reference: TZ=<rule> date -d @<t> '+%Y-%m-%d %H:%M:%S %z %Z'.
// Not here: a DST name without rules (`ABC5DEF`), for which glibc shifts the
// transitions of /usr/share/zoneinfo/posixrules and ends DST hours early; we
// use the rule glibc falls back to without that file, M3.2.0,M11.1.0.
const RULES = [
  "ABC-5:30",
  "<+0530>-5:30",
  "XYZ-3:15:30",
  "EST5EDT,M3.2.0,M11.1.0",
  "NZST-12NZDT,M9.5.0,M4.1.0/3",
  "ABC3DEF,J60/1,J300",
  "ABC3DEF,59,299/-1",
  "<A-B>3<C+D>2,M3.5.0/-1:30,M10.5.0/26",
  "ABC3DEF,M3.2.0",
  "ABC3DEF,garbage",
  "ABC3,M3.2.0,M11.1.0",
  "ABC3DE",
  "AB5",
  "ABC+25",
  "ABC-25:99",
  "ABC 3",
  ":ABC-2",
  "UTC0",
];
const INSTANTS = [
  Date.UTC(2026, 0, 1, 12),
  Date.UTC(2026, 6, 1, 12),
  Date.UTC(2026, 2, 8, 6, 59, 59), // around the US DST start
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 10, 1, 5, 59, 59), // around the US DST end
  Date.UTC(2026, 10, 1, 6),
  Date.UTC(2024, 1, 29, 23, 30), // a leap day
  Date.UTC(2026, 8, 26, 14), // around New Zealand's DST start
];

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

Deno.test("loadZoneNames() gives the local time, %z and %Z glibc gives for POSIX TZ rules", async () => {
  for (const rule of RULES) {
    const zone = await loadZoneNames(rule);
    for (const t of INSTANTS) {
      const out = await new Deno.Command("date", {
        args: ["-d", `@${t / 1000}`, "+%Y-%m-%d %H:%M:%S %z %Z"],
        env: { TZ: rule },
      }).output();
      const want = new TextDecoder().decode(out.stdout).replace(/\n$/, "");
      const date = new Date(t);
      const local = new Date(t + zone.offset(date) * 1000);
      const got = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${
        pad(local.getUTCDate())
      } ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${
        pad(local.getUTCSeconds())
      } ${formatOffset(date, zone)} ${zone.abbreviation(date)}`;
      assert.equal(got, want, `TZ=${rule} at ${date.toISOString()}`);
    }
  }
});

Deno.test("formatFileStamp() uses a POSIX TZ rule's minutes and escapes %Z as libpurple does", async () => {
  const t = new Date(Date.UTC(2026, 10, 25, 17, 18, 7));
  assert.equal(
    formatFileStamp(t, await loadZoneNames("ABC-5:30")),
    "2026-11-25.224807+0530ABC",
  );
  // log.c: purple_escape_filename(purple_utf8_strftime("%Z", tm))
  assert.equal(
    formatFileStamp(t, await loadZoneNames("<+0530>-5:30")),
    "2026-11-25.224807+0530%2b0530",
  );
  assert.equal(
    formatFileStamp(
      new Date(Date.UTC(2026, 6, 1, 12)),
      await loadZoneNames("EST5EDT,M3.2.0,M11.1.0"),
    ),
    "2026-07-01.080000-0400EDT",
  );
});

Deno.test("ruleFromTzif() reads the rule at the end of a zone file", async () => {
  const rule = ruleFromTzif(
    await Deno.readFile("/usr/share/zoneinfo/Europe/Berlin"),
  );
  assert.deepEqual([rule?.std.name, rule?.dst.name], ["CET", "CEST"]);
  assert.equal(ruleFromTzif(new TextEncoder().encode("not a zone")), undefined);
});

Deno.test("loadZoneNames() reads no device or directory named by TZ", async () => {
  for (const tz of ["/dev/zero", "/usr/share/zoneinfo"]) {
    const zone = await loadZoneNames(tz);
    assert.equal(zone.abbreviation(new Date()), "");
  }
});
