/**
 * A synthetic Pidgin profile of chat logs, as libpurple writes them: one
 * account, contacts and rooms, many files each (one per conversation),
 * txt (C and en_US timestamps) and html, multi-line messages, actions,
 * room joins, words in a Zipf-like distribution over English and made-up
 * words, some non-ASCII. Deterministic for a seed. Planted words appear
 * exactly as often as asked, in messages spread over the profile.
 */
import { join } from "node:path";

/** What to generate. */
export interface CorpusOptions {
  /** The profile directory (logs go to `<dir>/logs/jabber/<account>/`). */
  dir: string;
  /** About this many bytes of logs. */
  bytes: number;
  account?: string;
  contacts?: number;
  rooms?: number;
  seed?: number;
  /** Words to plant, each in exactly `count` messages. */
  plant?: Record<string, number>;
  /** Called after each file with the bytes written so far. */
  onProgress?: (bytes: number) => void;
}

/** What was generated. */
export interface Corpus {
  files: number;
  bytes: number;
  messages: number;
  /** Every file written, relative to `<dir>/logs`. */
  paths: string[];
}

const COMMON = (
  "the i you to a and it is that of in for me on have be this was not my with do " +
  "we so just but what are at can if no yes ok get all will be up know like about " +
  "out there your how one time think good now when go see they would too did today " +
  "work meeting lunch tomorrow thanks please sure going later back call printer " +
  "ticket server build deploy fixed broken email week home sorry great right well " +
  "need want let still new more really from has had an or by as maybe some here"
).split(" ");
const SYLLABLES = ("ka lo mi ne ru ta shi po ven dor al ex ri mon sa ber tin " +
  "qua gel fir ost lun par dem ech ily ous ment ing").split(" ");

/** A small fast PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  )
    .replaceAll('"', "&quot;");
}

/** Writes the corpus; returns what it wrote. */
export async function generateCorpus(options: CorpusOptions): Promise<Corpus> {
  const rnd = prng(options.seed ?? 1);
  const account = options.account ?? "alice@example.com";
  const nContacts = options.contacts ?? 300;
  const nRooms = options.rooms ?? 20;
  const vocab = [...COMMON];
  while (vocab.length < 30_000) {
    const n = 1 + Math.floor(rnd() * 3);
    let w = "";
    for (let i = 0; i < n; i++) {
      w += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
    }
    vocab.push(w);
  }
  const logW = Math.log(vocab.length);
  const word = () => vocab[Math.floor(Math.exp(rnd() * logW)) - 1]!;
  const extras = [
    "ünïcödé",
    "café",
    "日本語",
    "😀",
    "https://example.org/a?b=1&c=2",
    "<ok>",
    "naïve",
    "Größe",
  ];
  const sentence = () => {
    const n = 2 + Math.floor(rnd() * 14);
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(word());
    if (rnd() < 0.05) ws.push(extras[Math.floor(rnd() * extras.length)]!);
    if (rnd() < 0.3) ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
    return ws.join(" ") + (rnd() < 0.2 ? "?" : rnd() < 0.5 ? "." : "");
  };
  const convs: {
    folder: string;
    jid: string;
    alias: string;
    room: boolean;
    html: boolean;
  }[] = [];
  for (let i = 0; i < nContacts; i++) {
    const jid = `${vocab[100 + i]}${i}@example.org`;
    convs.push({
      folder: jid,
      jid,
      alias: `${vocab[200 + i]} ${vocab[300 + i]}`,
      room: false,
      html: rnd() < 0.5,
    });
  }
  for (let i = 0; i < nRooms; i++) {
    const jid = `${vocab[400 + i]}${i}@conference.example.org`;
    convs.push({
      folder: `${jid}.chat`,
      jid,
      alias: "",
      room: true,
      html: rnd() < 0.5,
    });
  }
  const plant = Object.entries(options.plant ?? {}).flatMap(([w, n]) =>
    Array(n).fill(w) as string[]
  );
  const root = join(options.dir, "logs");
  const base = join(root, "jabber", account);
  for (const c of convs) {
    await Deno.mkdir(join(base, c.folder), { recursive: true });
  }
  const start = Date.UTC(2016, 0, 1) / 1000;
  const span = Date.UTC(2026, 0, 1) / 1000 - start;
  const corpus: Corpus = { files: 0, bytes: 0, messages: 0, paths: [] };
  const estimatedMessages = options.bytes / 110;
  const plantEvery = plant.length
    ? estimatedMessages / (plant.length + 1)
    : Infinity;
  let nextPlant = plantEvery * (0.5 + rnd());
  const encoder = new TextEncoder();
  const used = new Set<string>();
  while (corpus.bytes < options.bytes || plant.length) {
    const c = convs[Math.floor(rnd() * convs.length)]!;
    const opened = Math.floor(start + rnd() * span);
    const offset = 3600; // +0100 CET
    const en = rnd() < 0.5;
    const wall = new Date((opened + offset) * 1000);
    const stamp = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${
      pad(wall.getUTCDate())
    }.${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${
      pad(wall.getUTCSeconds())
    }+0100CET`;
    const name = `${stamp}.${c.html ? "html" : "txt"}`;
    const rel = join("jabber", account, c.folder, name);
    if (used.has(rel)) continue;
    used.add(rel);
    const time = (t: number) => {
      const d = new Date((t + offset) * 1000);
      const h = d.getUTCHours();
      const hms = `${pad(en ? h % 12 || 12 : h)}:${pad(d.getUTCMinutes())}:${
        pad(d.getUTCSeconds())
      }`;
      return en ? `${hms} ${h < 12 ? "AM" : "PM"}` : hms;
    };
    const headDate = en
      ? `${DAYS[wall.getUTCDay()]} ${pad(wall.getUTCDate())} ${
        MONTHS[wall.getUTCMonth()]
      } ${wall.getUTCFullYear()} ${time(opened)} CET`
      : `${DAYS[wall.getUTCDay()]} ${MONTHS[wall.getUTCMonth()]} ${
        String(wall.getUTCDate()).padStart(2)
      } ${time(opened)} ${wall.getUTCFullYear()}`;
    const title =
      `Conversation with ${c.jid} at ${headDate} on ${account}/pidgin (jabber)`;
    let text = c.html
      ? `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>\n`
      : `${title}\n`;
    const count = 5 + Math.floor(rnd() * rnd() * 400);
    let t = opened;
    const members = c.room
      ? [0, 1, 2, 3].map((i) => `${vocab[500 + i * 7]}`)
      : [];
    for (let i = 0; i < count; i++) {
      t += 1 + Math.floor(rnd() * rnd() * 600);
      const out = rnd() < 0.45;
      const sender = c.room
        ? members[Math.floor(rnd() * members.length)]!
        : out
        ? "Alice"
        : c.alias;
      let body = sentence();
      if (rnd() < 0.1) body += `\n${sentence()}`;
      corpus.messages++;
      if (corpus.messages >= nextPlant && plant.length) {
        body = `${body} ${plant.pop()} ${sentence()}`;
        nextPlant += plantEvery;
      }
      const action = rnd() < 0.03;
      if (c.room && rnd() < 0.02) {
        text += c.html
          ? `<span style="font-size: smaller">(${
            time(t)
          })</span><b> ${sender} entered the room.</b><br>\n`
          : `(${time(t)}) ${sender} entered the room.\n`;
        continue;
      }
      if (c.html) {
        const color = action ? "#062585" : out ? "#16569E" : "#A82F2F";
        const label = action
          ? `***${escapeHtml(sender)}`
          : `${escapeHtml(sender)}:`;
        text +=
          `<span style="color: ${color}"><span style="font-size: smaller">(${
            time(t)
          })</span> <b>${label}</b></span> ${
            escapeHtml(body).replaceAll("\n", "<br/>")
          }<br>\n`;
      } else {
        text += action
          ? `(${time(t)}) ***${sender} ${body}\n`
          : `(${time(t)}) ${sender}: ${body}\n`;
      }
    }
    if (c.html) text += "</p>\n</body>\n</html>\n";
    const bytes = encoder.encode(text);
    await Deno.writeFile(join(root, rel), bytes);
    // As when Pidgin wrote it: last modified at its last message.
    await Deno.utime(join(root, rel), t, t);
    corpus.files++;
    corpus.bytes += bytes.length;
    corpus.paths.push(rel);
    options.onProgress?.(corpus.bytes);
  }
  return corpus;
}
