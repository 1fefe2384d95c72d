/**
 * `deno task bench:search` (and the last section of `deno task bench`):
 * generates a synthetic Pidgin profile of BENCH_SEARCH_MB (default 1024)
 * MB of logs in a temp directory (hundreds of contacts and rooms, many files
 * each, txt and html, a rare word planted 12 times), then prints side by
 * side, in one run: the newest 50 hits for a rare and a common word, warm
 * and cold (page cache dropped; needs root), for `pidgin search` and for
 * `grep -rF` / ripgrep on the same files; the index build per GB; an
 * incremental update after appending to a few files; index size vs text;
 * peak memory of a search. Each figure is printed with its target.
 *
 * BENCH_SEARCH_DIR=<dir> uses (and keeps) a profile there, generating it
 * only when it has no logs; BENCH_SEARCH_KEEP=1 keeps the temp profile.
 * BENCH_RUNS (default 7) sets the runs per warm figure.
 */
import { join } from "node:path";
import { generateCorpus } from "../tests/_support/log_corpus.ts";
import { cliCommand } from "../tests/_support/run_cli.ts";

const MB = Number(Deno.env.get("BENCH_SEARCH_MB") ?? 1024);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 7);
const RARE = "quetzalcoatl";
const COMMON = "the";
const given = Deno.env.get("BENCH_SEARCH_DIR");
const keep = given !== undefined || Deno.env.get("BENCH_SEARCH_KEEP") === "1";
const dir = given ?? await Deno.makeTempDir({ prefix: "pidgin-bench-search-" });
const logs = join(dir, "logs");
const index = join(dir, "pidgin", "search.sqlite");
const decoder = new TextDecoder();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Run {
  ms: number;
  peakMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: wall time measured here, peak RSS by time(1). */
async function run(args: string[], capture = false): Promise<Run> {
  const out = await Deno.makeTempFile();
  const start = performance.now();
  const result = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", "-o", out, ...args],
    env: { PURPLE_HOME: dir, NO_COLOR: "1" },
    stdout: capture ? "piped" : "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  const peakKb = Number(
    (await Deno.readTextFile(out)).trim().split("\n").at(-1),
  );
  await Deno.remove(out);
  if (result.code > 1) { // grep says 1 for no match
    throw new Error(
      `bench: ${args.join(" ")} failed: ${decoder.decode(result.stderr)}`,
    );
  }
  return {
    ms,
    peakMb: peakKb / 1024,
    stdout: capture ? decoder.decode(result.stdout) : "",
  };
}

/** Drops the page cache; false when not allowed (not root). */
async function dropCaches(): Promise<boolean> {
  const out = await new Deno.Command("sh", {
    args: ["-c", "sync && echo 3 > /proc/sys/vm/drop_caches"],
    stderr: "null",
  }).output();
  return out.success;
}

const pidgin = (word: string) => cliCommand("search", "--limit", "50", word);
/** The probe's command lines, to know which runs print figures. */
const probeArgs = new Map<string[], string[]>();
const probe = (word: string) => {
  const args = [
    Deno.execPath(),
    "run",
    "--quiet",
    "-A",
    new URL("./search_probe.ts", import.meta.url).pathname,
    dir,
    word,
    "50",
  ];
  probeArgs.set(args, args);
  return args;
};
// Into a pipe, not /dev/null: GNU grep stops at the first match of each
// file when its output is /dev/null.
const piped = (cmd: string) => (word: string) => [
  "sh",
  "-c",
  `${cmd} -- "$1" "$2" | wc -c`,
  "sh",
  word,
  logs,
];
const grep = piped("grep -rF");
const rg = piped("rg -F");
const probeMs = (r: Run) => JSON.parse(r.stdout.trim()).ms as number;
const probeUpdate = (r: Run) =>
  JSON.parse(r.stdout.trim()) as { update: number; entries: number };

async function warm(args: string[], runs = RUNS): Promise<Run[]> {
  const capture = args === probeArgs.get(args);
  await run(args, capture);
  const out: Run[] = [];
  for (let i = 0; i < runs; i++) out.push(await run(args, capture));
  return out;
}

async function cold(args: string[], runs = 3): Promise<Run[] | undefined> {
  const capture = args === probeArgs.get(args);
  const out: Run[] = [];
  for (let i = 0; i < runs; i++) {
    if (!await dropCaches()) return undefined;
    out.push(await run(args, capture));
  }
  return out;
}

async function logBytes(
  path: string,
): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for await (const e of Deno.readDir(path)) {
    const p = join(path, e.name);
    if (e.isDirectory) {
      const sub = await logBytes(p);
      bytes += sub.bytes;
      files += sub.files;
    } else if (e.isFile) {
      bytes += (await Deno.stat(p)).size;
      files++;
    }
  }
  return { bytes, files };
}

function row(
  cells: (string | number)[],
  widths = [30, 13, 11, 11, 24],
): string {
  return cells.map((c, i) =>
    i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i]!)
  ).join("");
}

const verdict = (ok: boolean, miss: string) => ok ? "met" : `missed: ${miss}`;

try {
  const has = await Deno.stat(logs).then(() => true, () => false);
  if (!has) {
    const t0 = performance.now();
    const corpus = await generateCorpus({
      dir,
      bytes: MB * 1048576,
      contacts: 400,
      rooms: 40,
      plant: { [RARE]: 12 },
    });
    console.log(
      `generated ${
        (corpus.bytes / 1048576).toFixed(0)
      } MB of logs: ${corpus.files} files, ${corpus.messages} messages, 440 conversations (${
        ((performance.now() - t0) / 1000).toFixed(0)
      } s)`,
    );
  }
  const text = await logBytes(logs);
  const gb = text.bytes / 1073741824;
  console.log(
    `\n4. search over ${
      (text.bytes / 1048576).toFixed(0)
    } MB of Pidgin logs (${text.files} files) in ${dir}`,
  );

  // Build: the first search of a profile builds its index.
  for (const suffix of ["", "-wal", "-shm"]) {
    await Deno.remove(index + suffix).catch(() => {});
  }
  const build = await run(pidgin(RARE));
  const indexBytes = (await Deno.stat(index)).size +
    await Deno.stat(`${index}-wal`).then((s) => s.size, () => 0);

  const figures: Record<
    string,
    { pidgin?: Run[]; probe?: Run[]; grep?: Run[]; rg?: Run[] }
  > = {};
  for (
    const [name, word] of [["rare word", RARE], [
      "common word",
      COMMON,
    ]] as const
  ) {
    figures[`${name}, warm`] = {
      pidgin: await warm(pidgin(word)),
      probe: await warm(probe(word)),
      grep: await warm(grep(word), 3),
      rg: await warm(rg(word), 3),
    };
    figures[`${name}, cold`] = {
      pidgin: await cold(pidgin(word)),
      probe: await cold(probe(word)),
      grep: await cold(grep(word), 1),
      rg: await cold(rg(word), 2),
    };
  }

  console.log(
    row([
      "newest 50 hits (ms)",
      "search op",
      "pidgin cli",
      "grep -rF",
      "ripgrep",
    ]),
  );
  const results: string[] = [];
  for (const [name, f] of Object.entries(figures)) {
    if (!f.pidgin || !f.probe) {
      console.log(
        row([name, "n/a", "n/a", "", "", ""]) +
          "  (dropping the page cache needs root)",
      );
      continue;
    }
    const op = median(f.probe.map(probeMs));
    const cli = median(f.pidgin.map((r) => r.ms));
    const g = f.grep ? median(f.grep.map((r) => r.ms)) : NaN;
    const r = f.rg ? median(f.rg.map((x) => x.ms)) : NaN;
    console.log(
      row([name, op.toFixed(1), cli.toFixed(1), g.toFixed(0), r.toFixed(0)]),
    );
    const base = name.endsWith("warm") ? g : r;
    const baseName = name.endsWith("warm") ? "grep -rF warm" : "ripgrep cold";
    results.push(
      `${name}: search ${op.toFixed(1)} ms (target < 50: ${
        verdict(op < 50, `by ${(op - 50).toFixed(1)} ms`)
      }), ${(base / op).toFixed(0)}x faster than ${baseName} (target >= 30x: ${
        verdict(base / op >= 30, `${(base / op).toFixed(1)}x`)
      }); the whole pidgin process ${cli.toFixed(0)} ms, ${
        (base / cli).toFixed(1)
      }x (${verdict(base / cli >= 30, `${(base / cli).toFixed(1)}x`)})`,
    );
  }
  const buildPerGb = build.ms / 1000 / gb;
  const ratio = indexBytes / text.bytes;

  // Incremental: append Pidgin-style lines to a few files, then to ten times as many.
  const files: string[] = [];
  const account = join(logs, "jabber", "alice@example.com");
  // What Pidgin appends to: the newest log of a conversation.
  for await (const conv of Deno.readDir(account)) {
    const names: string[] = [];
    for await (const f of Deno.readDir(join(account, conv.name))) {
      names.push(f.name);
    }
    const newest = names.sort().at(-1);
    if (newest?.endsWith(".txt")) files.push(join(account, conv.name, newest));
  }
  // 200 lines to each of 5 files, then to each of 50: 1,000 and 10,000 messages.
  const incremental: {
    files: number;
    ms: number;
    entries: number;
    idle: number;
  }[] = [];
  for (const count of [5, 50]) {
    for (const f of files.slice(0, count)) {
      await Deno.writeTextFile(
        f,
        Array.from(
          { length: 200 },
          (_, i) =>
            `(23:59:${
              String(i % 60).padStart(2, "0")
            }) Bob: appended line ${i} incrementalword\n`,
        ).join(""),
        { append: true },
      );
    }
    const grown = probeUpdate(await run(probe(RARE), true));
    // Files written in the last 2 s are looked at again (their mtime may not
    // show a write in the same tick): wait that out to time "nothing new".
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await run(probe(RARE), true);
    const idle = probeUpdate(await run(probe(RARE), true));
    incremental.push({
      files: count,
      ms: grown.update,
      entries: grown.entries,
      idle: idle.update,
    });
  }
  const peak = Math.max(
    ...Object.values(figures).flatMap((f) =>
      (f.pidgin ?? []).map((r) => r.peakMb)
    ),
  );
  const probePeak = Math.max(
    ...Object.values(figures).flatMap((f) =>
      (f.probe ?? []).map((r) => r.peakMb)
    ),
  );

  console.log(
    row([
      "index build (s per GB)",
      buildPerGb.toFixed(1),
      "",
      "",
      "target <= 60",
    ]),
  );
  for (const i of incremental) {
    console.log(
      row(
        [
          `update, ${i.entries} new lines, ${i.files} files (ms)`,
          i.ms.toFixed(1),
          "",
          "",
          `nothing new: ${i.idle.toFixed(1)}`,
        ],
        [38, 9, 7, 11, 24],
      ),
    );
  }
  console.log(
    row(["index size / text", ratio.toFixed(2), "", "", "target <= 0.6"]),
  );
  console.log(
    row([
      "peak memory of a search (MB)",
      probePeak.toFixed(1),
      peak.toFixed(1),
      "",
      "target < 60",
    ]),
  );
  console.log(
    "\n   search op: the freshness check and the query inside one process (bench/search_probe.ts);",
  );
  console.log(
    "   pidgin cli: the whole `pidgin search --limit 50` process, start-up included.",
  );
  for (const line of results) console.log(`   ${line}`);
  console.log(
    `   build: ${buildPerGb.toFixed(1)} s per GB (target <= 60: ${
      verdict(buildPerGb <= 60, `by ${(buildPerGb - 60).toFixed(1)} s`)
    })`,
  );
  const [few, many] = incremental as [
    typeof incremental[0],
    typeof incremental[0],
  ];
  const cost = (i: typeof few) => Math.max(0, i.ms - i.idle);
  console.log(
    `   incremental: ${
      cost(few).toFixed(1)
    } ms over the check for ${few.entries} new lines in ${few.files} files, ${
      cost(many).toFixed(1)
    } ms for ${many.entries} in ${many.files} (grows with the change, not the profile: ${
      verdict(cost(many) > cost(few) * 2, "no")
    })`,
  );
  console.log(
    `   index size: ${(indexBytes / 1048576).toFixed(0)} MB for ${
      (text.bytes / 1048576).toFixed(0)
    } MB of logs (target <= 0.6x: ${verdict(ratio <= 0.6, ratio.toFixed(2))})`,
  );
  console.log(
    `   peak memory: ${probePeak.toFixed(1)} MB for the search op process, ${
      peak.toFixed(1)
    } MB for pidgin search (target < 60: ${
      verdict(peak < 60, `by ${(peak - 60).toFixed(1)} MB`)
    })`,
  );
} finally {
  if (keep) console.log(`   the profile is kept in ${dir}`);
  else await Deno.remove(dir, { recursive: true });
}
