/**
 * `deno task bench:reliability`: what "Nothing lost, nothing doubled" costs,
 * each figure next to a baseline measured in the same run, in process,
 * against private Prosodys on loopback. No assertions on time.
 *
 * 1. Cut → working again: a resumed stream (XEP-0198) vs a reconnect that
 *    binds a new session (Prosody without stream management).
 * 2. Receiving a flood: the session acknowledging after its message handler
 *    resolved, the session without a handler, and a bare raw receiver.
 * 3. Archive catch-up (XEP-0313) of what arrived while the account was online
 *    elsewhere: a session start with `catchUp` vs a raw archive query paging
 *    the same messages.
 *
 * BENCH_CUTS (default 15), BENCH_FLOOD (default 5000) and BENCH_CATCHUP
 * (default 2000) change the sizes. Requires: prosody, openssl.
 */
import process from "node:process";
import type { Element } from "ltx";
import {
  type ChatMessage,
  createSession,
  type Session,
} from "../src/xmpp/mod.ts";
import { startFaultProxy } from "../tests/_support/fault_proxy.ts";
import { type Prosody, startProsody } from "../tests/_support/prosody.ts";
import { connectRawXmpp, type RawXmpp } from "../tests/_support/raw_xmpp.ts";
import { alice, next } from "../tests/xmpp/_prosody_session.ts";
import { reliableOptions } from "../tests/xmpp/_reliable.ts";

const CUTS = Number(Deno.env.get("BENCH_CUTS") ?? 15);
const FLOOD = Number(Deno.env.get("BENCH_FLOOD") ?? 5000);
const CATCHUP = Number(Deno.env.get("BENCH_CATCHUP") ?? 2000);
/** Measured floods and catch-ups per variant; the median is printed. */
const ROUNDS = 3;
const BOB = { jid: "bob@localhost", password: "bob-secret-pw" };
const ALICE = { jid: "alice@localhost", password: "alice-secret-pw" };
const MAM = "urn:xmpp:mam:2";
const NS_RSM = "http://jabber.org/protocol/rsm";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const median = (values: number[]) => quantile(values, 0.5);

function row(cells: (string | number)[], widths = [34, 18, 18, 10]): string {
  return cells.map((c, i) =>
    i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i]!)
  ).join("");
}

/** One prepared write of `n` chat messages to `to`, bodies `<tag> i`. */
function floodXml(to: string, n: number, tag: string): string {
  let xml = "";
  for (let i = 1; i <= n; i++) {
    xml += `<message to='${to}' type='chat' id='${tag}-${i}'>` +
      `<body>${tag} ${i}</body></message>`;
  }
  return xml;
}

/** Counts chat messages a raw client received whose body starts with `tag `, reading on from where it stopped. */
function bodyCounter(raw: RawXmpp) {
  let read = 0;
  const counts = new Map<string, number>();
  return (tag: string): number => {
    for (; read < raw.received.length; read++) {
      const s = raw.received[read]!;
      const body = s.is("message") ? s.getChildText("body") : null;
      if (body === null) continue;
      const key = body.slice(0, body.lastIndexOf(" "));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts.get(tag) ?? 0;
  };
}

function ping(raw: RawXmpp): Promise<Element> {
  return raw.iq(
    "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>",
    60_000,
  );
}

function connectRaw(
  port: number,
  caFile: string,
  account: { jid: string; password: string },
  resource: string,
): Promise<RawXmpp> {
  return connectRawXmpp({ port, caFile, ...account, resource });
}

console.log(
  "Reliability bench: each figure next to a baseline from this run (in process, Prosody on loopback).",
);

// 1. Cut → working again.
console.log(
  `\n1. Cut → working again (${CUTS} cuts through a TCP proxy; until the status event and a round trip)`,
);
console.log(
  "   resumed: XEP-0198 resumption; baseline: new session bound (Prosody without stream management)",
);

async function cutTimes(resumable: boolean): Promise<number[]> {
  await using prosody = await startProsody({
    withoutStreamManagement: !resumable,
  });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using session = createSession(
    await reliableOptions(proxy, { reconnectBaseMs: 1, reconnectMaxMs: 1 }),
  );
  await session.start();
  await session.sendPresence();
  const times: number[] = [];
  // One unmeasured cut first: the first reconnect pays for code loading.
  for (let i = 0; i <= CUTS; i++) {
    await session.roundTrip();
    const back = next(
      session,
      "status",
      (s) => s === (resumable ? "resumed" : "online"),
    );
    const started = performance.now();
    await proxy.cut();
    await back;
    await session.roundTrip();
    if (i > 0) times.push(performance.now() - started);
  }
  return times;
}

const resumed = await cutTimes(true);
const rebound = await cutTimes(false);
console.log(row(["", "resumed", "new session", "ratio"]));
for (const [label, q] of [["median (ms)", 0.5], ["p90 (ms)", 0.9]] as const) {
  const a = quantile(resumed, q);
  const b = quantile(rebound, q);
  console.log(row([label, a.toFixed(1), b.toFixed(1), (a / b).toFixed(2)]));
}

// 2. Receiving a flood.
console.log(
  `\n2. Receiving a flood of ${FLOOD} messages in one write from a raw bob (median of ${ROUNDS} rounds)`,
);
console.log(
  "   handler: stream management, acknowledged after the handler resolved; no handler: message events;",
);
console.log(
  "   baseline: bare raw receiver (tests/_support/raw_xmpp.ts). CPU is this whole process (receiver + sender).",
);

interface FloodFigures {
  perSecond: number;
  cpuUs: number;
}

/**
 * Floods `to` from `bob` and measures until `received(tag)` reaches the count
 * and `settle()` (a round trip: acks flushed) resolved.
 */
async function flood(
  bob: RawXmpp,
  to: string,
  wait: (tag: string, n: number) => Promise<void>,
  settle: () => Promise<unknown>,
): Promise<FloodFigures> {
  // Warm-up, unmeasured.
  await bob.send(floodXml(to, 200, "warmup"));
  await wait("warmup", 200);
  await settle();
  const rounds: FloodFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tag = `r${round}`;
    const xml = floodXml(to, FLOOD, tag);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const done = wait(tag, FLOOD);
    await bob.send(xml);
    await done;
    await settle();
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    rounds.push({
      perSecond: FLOOD / (wall / 1000),
      cpuUs: (used.user + used.system) / FLOOD,
    });
  }
  return {
    perSecond: median(rounds.map((r) => r.perSecond)),
    cpuUs: median(rounds.map((r) => r.cpuUs)),
  };
}

/** Waiting for `n` messages of one tag among those a session handed over. */
function sessionCounter(): {
  add(batch: ChatMessage[]): void;
  wait(tag: string, n: number): Promise<void>;
} {
  const counts = new Map<string, number>();
  let wake: (() => void) | undefined;
  let want: [string, number] | undefined;
  return {
    add(batch) {
      for (const m of batch) {
        const key = m.body.slice(0, m.body.lastIndexOf(" "));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (want && (counts.get(want[0]) ?? 0) >= want[1]) wake?.();
    },
    wait(tag, n) {
      if ((counts.get(tag) ?? 0) >= n) return Promise.resolve();
      want = [tag, n];
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `Flood not received: ${counts.get(tag) ?? 0} of ${n} "${tag}"`,
              ),
            ),
          120_000,
        );
        wake = () => {
          clearTimeout(timer);
          want = undefined;
          resolve();
        };
      });
    },
  };
}

async function sessionFlood(
  prosody: Prosody,
  bob: RawXmpp,
  withHandler: boolean,
): Promise<FloodFigures> {
  const resource = withHandler ? "handler" : "events";
  await using session: Session = createSession({
    ...(await alice(prosody, resource)),
    timeoutMs: 60_000,
  });
  const counter = sessionCounter();
  if (withHandler) {
    session.setMessageHandler((batch) => {
      counter.add(batch);
      return Promise.resolve();
    });
  } else {
    session.on("message", (m) => counter.add([m]));
  }
  await session.start();
  await session.sendPresence();
  await session.roundTrip();
  return await flood(
    bob,
    `${ALICE.jid}/${resource}`,
    counter.wait,
    () => session.roundTrip(),
  );
}

{
  await using prosody = await startProsody();
  await using bob = await connectRaw(prosody.port, prosody.caFile, BOB, "f");
  const handler = await sessionFlood(prosody, bob, true);
  const events = await sessionFlood(prosody, bob, false);
  let bare: FloodFigures;
  {
    await using raw = await connectRaw(
      prosody.port,
      prosody.caFile,
      ALICE,
      "raw",
    );
    await raw.send("<presence/>");
    await ping(raw);
    const count = bodyCounter(raw);
    bare = await flood(
      bob,
      `${ALICE.jid}/raw`,
      (tag, n) =>
        raw.until(() => (count(tag) >= n ? true : undefined), 120_000).then(
          () => {},
        ),
      () => ping(raw),
    );
  }
  console.log(
    row(["", "session handler", "no handler", "raw (base)"], [34, 18, 18, 14]),
  );
  console.log(
    row([
      "messages/s",
      handler.perSecond.toFixed(0),
      events.perSecond.toFixed(0),
      bare.perSecond.toFixed(0),
    ], [34, 18, 18, 14]),
  );
  console.log(
    row([
      "CPU µs per message",
      handler.cpuUs.toFixed(1),
      events.cpuUs.toFixed(1),
      bare.cpuUs.toFixed(1),
    ], [34, 18, 18, 14]),
  );
  console.log(
    row([
      "CPU/msg vs raw",
      `${(handler.cpuUs / bare.cpuUs).toFixed(2)}x`,
      `${(events.cpuUs / bare.cpuUs).toFixed(2)}x`,
      "1.00x",
    ], [34, 18, 18, 14]),
  );
  console.log(
    row([
      "handler vs no handler, CPU/msg",
      `${(((handler.cpuUs - events.cpuUs) / events.cpuUs) * 100).toFixed(1)} %`,
    ]),
  );
}

// 3. Archive catch-up.
console.log(
  `\n3. Archive catch-up of ${CATCHUP} messages bob sent while alice was offline here and online on a phone`,
);
console.log(
  `   session: start() with catchUp until the handler had them all; baseline: raw MAM query, RSM max 50;`,
);
console.log(
  `   both from connecting, paging after the same cursor (median of ${ROUNDS} rounds, alternating).`,
);

interface CatchUpFigures {
  ms: number;
  pages: number;
}

/** Pages our archive after `cursor` with a raw client; resolves with the chat messages read. */
async function rawCatchUp(
  prosody: Prosody,
  cursor: string,
): Promise<CatchUpFigures & { count: number }> {
  const started = performance.now();
  await using raw = await connectRaw(
    prosody.port,
    prosody.caFile,
    ALICE,
    "mam",
  );
  let read = 0;
  let count = 0;
  let pages = 0;
  let after = cursor;
  for (let page = 0; page < 10_000; page++) {
    const queryId = `q${page}`;
    const iqId = `mam-${page}`;
    await raw.send(
      `<iq type='set' id='${iqId}'><query xmlns='${MAM}' queryid='${queryId}'>` +
        `<set xmlns='${NS_RSM}'><max>50</max><after>${after}</after></set></query></iq>`,
    );
    const answer = await raw.until(() => {
      for (; read < raw.received.length; read++) {
        const s = raw.received[read]!;
        if (s.is("iq") && s.attrs.id === iqId) {
          read++;
          return s;
        }
        const result = s.getChild("result", MAM);
        if (result?.attrs.queryid !== queryId) continue;
        const message = result.getChild("forwarded")?.getChild("message");
        if (message?.getChildText("body") != null) count++;
      }
      return undefined;
    }, 60_000);
    if (answer.attrs.type !== "result") {
      throw new Error(`Archive query refused: ${answer}`);
    }
    pages++;
    const fin = answer.getChild("fin", MAM);
    const last = fin?.getChild("set", NS_RSM)?.getChildText("last");
    if (fin?.attrs.complete === "true" || !last) break;
    after = last;
  }
  return { ms: performance.now() - started, pages, count };
}

async function sessionCatchUp(
  prosody: Prosody,
  cursor: string,
): Promise<CatchUpFigures & { count: number }> {
  const started = performance.now();
  let count = 0;
  let pages = 0;
  let wake: () => void = () => {};
  const all = new Promise<void>((resolve) => (wake = resolve));
  await using session = createSession({
    ...(await alice(prosody, "pidgin")),
    timeoutMs: 60_000,
    catchUp: {
      after: () => Promise.resolve(cursor),
      window: { max: 0, sinceMs: 0 },
    },
  });
  session.setMessageHandler((batch) => {
    pages++;
    count += batch.length;
    if (count >= CATCHUP) wake();
    return Promise.resolve();
  });
  const caughtUp = next(session, "catchUp", () => true, 300_000);
  await session.start();
  const event = await caughtUp;
  if (event.outcome !== "done") {
    throw new Error(
      `Catch-up ${event.outcome}: ${event.reason?.message ?? ""}`,
    );
  }
  await all;
  return { ms: performance.now() - started, pages, count };
}

{
  await using prosody = await startProsody({ withArchive: true });
  await using bob = await connectRaw(prosody.port, prosody.caFile, BOB, "f");
  let cursor: string;
  {
    // Online elsewhere: nothing goes to offline storage, the archive has it all.
    await using phone = await connectRaw(
      prosody.port,
      prosody.caFile,
      ALICE,
      "phone",
    );
    await phone.send("<presence/>");
    await ping(phone);
    const count = bodyCounter(phone);
    await bob.send(floodXml(ALICE.jid, 1, "before"));
    await phone.until(() => (count("before") >= 1 ? true : undefined));
    // The cursor: the archive id of the newest message before the flood.
    const newest = await phone.iq(
      `<iq type='set'><query xmlns='${MAM}' queryid='newest'>` +
        `<set xmlns='${NS_RSM}'><max>1</max><before/></set></query></iq>`,
    );
    const id = newest.getChild("fin", MAM)?.getChild("set", NS_RSM)
      ?.getChildText("last");
    if (!id) throw new Error(`No archive id for the cursor: ${newest}`);
    cursor = id;
    const flooded = performance.now();
    await bob.send(floodXml(ALICE.jid, CATCHUP, "m"));
    await phone.until(
      () => (count("m") >= CATCHUP ? true : undefined),
      300_000,
    );
    console.log(
      `   (flood of ${CATCHUP} archived and delivered to the phone in ${
        (performance.now() - flooded).toFixed(0)
      } ms)`,
    );
  }
  const sessionRuns: (CatchUpFigures & { count: number })[] = [];
  const rawRuns: (CatchUpFigures & { count: number })[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawRuns.push(await rawCatchUp(prosody, cursor));
    sessionRuns.push(await sessionCatchUp(prosody, cursor));
  }
  for (const r of [...rawRuns, ...sessionRuns]) {
    if (r.count !== CATCHUP) {
      throw new Error(`Catch-up read ${r.count} messages, not ${CATCHUP}`);
    }
  }
  const s = median(sessionRuns.map((r) => r.ms));
  const b = median(rawRuns.map((r) => r.ms));
  console.log(row(["", "session catchUp", "raw MAM (base)", "ratio"]));
  console.log(
    row([
      "messages/s",
      (CATCHUP / (s / 1000)).toFixed(0),
      (CATCHUP / (b / 1000)).toFixed(0),
      (b / s).toFixed(2),
    ]),
  );
  console.log(
    row(["wall (ms)", s.toFixed(0), b.toFixed(0), (s / b).toFixed(2)]),
  );
  console.log(
    row([
      "pages (handler batches / queries)",
      sessionRuns[0]!.pages,
      rawRuns[0]!.pages,
    ]),
  );
}

console.log("\nWhat the figures mean:");
console.log(
  "1. how long a cut connection leaves the session unusable; ratio < 1: resuming is that much faster than binding anew",
);
console.log(
  "2. what acknowledging only after handling costs per message against receiving with no guarantee; higher CPU/msg = more overhead",
);
console.log(
  "3. how fast missed messages reach the handler on connect against paging the archive by hand; ratio < 1: catch-up is slower",
);
