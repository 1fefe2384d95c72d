import assert from "node:assert/strict";
import {
  ArchiveError,
  type ChatMessage,
  createSession,
  type Session,
} from "../../src/xmpp/mod.ts";
import { onlinePeer } from "../_support/accounts.ts";
import type { FakePeer } from "../_support/fake_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { serveLogin, serveOnline, startTlsFake } from "./_fake_login.ts";
import { alice, next } from "./_prosody_session.ts";
import { collect, numbered, recorder } from "./_reliable.ts";

async function pages(
  session: Session,
  query: Parameters<Session["queryArchive"]>[0],
): Promise<ChatMessage[][]> {
  const all: ChatMessage[][] = [];
  for await (const page of session.queryArchive(query)) all.push(page);
  return all;
}

Deno.test("Session.queryArchive() pages through our archive in order, forward and backward", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using bob = await onlinePeer(prosody);
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  for (const body of numbered("m", 5)) {
    await bob.sendMessage("alice@localhost", body);
  }
  await session.sendMessage("bob@localhost", "reply");

  const forward = await pages(session, { with: "bob@localhost", pageSize: 2 });
  assert.deepEqual(
    forward.map((page) => page.map((m) => m.body)),
    [["m1", "m2"], ["m3", "m4"], ["m5", "reply"]],
  );
  const [first] = forward[0]!;
  assert.equal(first!.source, "archive");
  assert.equal(first!.direction, "in");
  assert.equal(first!.contact, "bob@localhost");
  assert.ok(first!.stanzaId);
  assert.ok(first!.delayed);
  const reply = forward[2]![1]!;
  assert.deepEqual([reply.direction, reply.contact], ["out", "bob@localhost"]);

  const after = await pages(session, { after: first!.stanzaId, max: 2 });
  assert.deepEqual(after.flat().map((m) => m.body), ["m2", "m3"]);
  const newest = await pages(session, { before: true, max: 3, pageSize: 2 });
  assert.deepEqual(
    newest.map((page) => page.map((m) => m.body)),
    [["m5", "reply"], ["m4"]],
  );
});

Deno.test("Session catches up with what the archive got while it was offline and the account online elsewhere", async () => {
  await using prosody = await startProsody({ withArchive: true });
  await using bob = await onlinePeer(prosody);
  const got = recorder();
  const options = {
    ...(await alice(prosody, "pidgin")),
    catchUp: got.catchUp(),
  };
  {
    await using first = createSession(options);
    first.setMessageHandler(got.handler);
    await first.start();
    await first.sendPresence();
    await bob.sendMessage("alice@localhost", "before");
    await got.count(1);
  }
  // Online elsewhere: nothing goes to offline storage, the archive has it all.
  {
    await using phone = await onlinePeer(
      prosody,
      "alice@localhost",
      "alice-secret-pw",
      "phone",
    );
    const phoneGot = collect(phone);
    for (const body of numbered("m", 3)) {
      await bob.sendMessage("alice@localhost", body);
    }
    await phoneGot.count(3);
  }
  await using again = createSession(options);
  again.setMessageHandler(got.handler);
  const caughtUp = next(again, "catchUp");
  await again.start();
  await again.sendPresence();
  assert.deepEqual(await caughtUp, { count: 3, outcome: "done" });
  await bob.sendMessage("alice@localhost", "live");
  await got.count(5);
  assert.deepEqual(got.bodies(), ["before", "m1", "m2", "m3", "live"]);
  assert.deepEqual(
    got.messages.map((m) => m.source),
    ["live", "archive", "archive", "archive", "live"],
  );

  // A first start reads only the newest of a bounded window.
  const fresh = recorder();
  await using newcomer = createSession({
    ...(await alice(prosody, "laptop")),
    catchUp: fresh.catchUp({ max: 2, sinceMs: 3_600_000 }),
  });
  newcomer.setMessageHandler(fresh.handler);
  const window = next(newcomer, "catchUp");
  await newcomer.start();
  assert.deepEqual(await window, { count: 2, outcome: "done" });
  assert.deepEqual(fresh.bodies(), ["m3", "live"]);
});

Deno.test("Session skips catch-up when the server keeps no archive", async () => {
  await using prosody = await startProsody();
  await using session = createSession({
    ...(await alice(prosody, "pidgin")),
    catchUp: recorder().catchUp({ max: 10, sinceMs: 60_000 }),
  });
  session.setMessageHandler(() => Promise.resolve());
  const caughtUp = next(session, "catchUp");
  await session.start();
  const event = await caughtUp;
  assert.equal(event.outcome, "skipped");
  assert.ok(event.reason instanceof ArchiveError);
  await assert.rejects(
    pages(session, {}),
    /the server keeps none for this account/,
  );
});

const MAM = "urn:xmpp:mam:2";

/** One archive result for the query `queryId`, from `from` (none: our own server). */
function result(queryId: string, id: string, body: string, from?: string) {
  return `<message to='alice@localhost/fake'${
    from ? ` from='${from}'` : ""
  }><result xmlns='${MAM}' queryid='${queryId}' id='${id}'>` +
    `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T10:00:00Z'/>` +
    `<message from='bob@localhost/x' to='alice@localhost' type='chat'><body>${body}</body></message>` +
    `</forwarded></result></message>`;
}

function fin(iqId: string, complete: boolean, last: string) {
  return `<iq type='result' id='${iqId}'><fin xmlns='${MAM}'${
    complete ? " complete='true'" : ""
  }><set xmlns='http://jabber.org/protocol/rsm'><first>a</first><last>${last}</last></set></fin></iq>`;
}

type Answer = (
  queryId: string,
  page: number,
  iqId: string,
  max: number,
) => string;

/** A fake server answering each archive query with `answer(queryId, page, …)`. */
async function archiveServer(answer: Answer) {
  return await startTlsFake(async (peer: FakePeer) => {
    await serveLogin(peer, { offer: ["SCRAM-SHA-256"], password: "pw" });
    for (let page = 0;; page++) {
      const iq = await peer.expect(/<\/iq>|<\/stream:stream>/, 10_000)
        .catch(() => "");
      if (iq.endsWith("</stream:stream>")) return void await peer.send(iq);
      const query = /queryid="([^"]+)"/.exec(iq);
      if (!query) return await serveOnline(peer);
      const max = Number(/<max>(\d+)<\/max>/.exec(iq)?.[1] ?? 100);
      await peer.send(
        answer(query[1]!, page, /id="([^"]+)"/.exec(iq)![1]!, max),
      );
    }
  });
}

async function against(
  answer: Answer,
  query: Parameters<Session["queryArchive"]>[0],
) {
  await using fake = await archiveServer(answer);
  await using session = createSession({
    jid: "alice@localhost",
    password: "pw",
    ...fake.service,
  });
  await session.start();
  const outcome = await pages(session, query).then(
    (all) => all.map((page) => page.map((m) => m.body)),
    (err: Error) => err,
  );
  await session.stop();
  return outcome;
}

Deno.test("Session.queryArchive() takes results only for its query, from its own archive", async () => {
  const outcome = await against(
    (q, _page, iqId) =>
      result("someone-elses", "1", "other query") +
      result(q, "2", "from another account", "mallory@localhost") +
      result(q, "3", "ours") +
      result(q, "4", "ours too", "alice@localhost") +
      fin(iqId, true, "4") +
      result(q, "5", "after the end"),
    {},
  );
  assert.deepEqual(outcome, [["ours", "ours too"]]);
});

Deno.test("Session.queryArchive() cuts off a server that repeats a page or never ends", async (t) => {
  await t.step("the same page twice", async () => {
    const outcome = await against(
      (q, _page, iqId) =>
        result(q, "1", "one") + result(q, "2", "two") + fin(iqId, false, "2"),
      { pageSize: 2 },
    );
    assert.ok(outcome instanceof ArchiveError);
    assert.match(outcome.message, /the same page twice/);
  });
  await t.step("more results than asked for", async () => {
    const outcome = await against(
      (q, _page, iqId) =>
        result(q, "1", "one") + result(q, "2", "two") + fin(iqId, true, "2"),
      { pageSize: 1 },
    );
    assert.ok(outcome instanceof ArchiveError);
    assert.match(outcome.message, /more than the 1 results asked for/);
  });
  await t.step("empty pages that never end", async () => {
    const outcome = await against(
      (_q, page, iqId) => fin(iqId, false, `p${page}`),
      {},
    );
    assert.ok(outcome instanceof ArchiveError);
    assert.match(outcome.message, /does not say where the next page starts/);
  });
  await t.step("new results forever: stops at max", async () => {
    const outcome = await against(
      (q, page, iqId, max) =>
        result(q, `${page}a`, `${page}a`) +
        (max > 1 ? result(q, `${page}b`, `${page}b`) : "") +
        fin(iqId, false, `${page}b`),
      { max: 5, pageSize: 2 },
    );
    assert.deepEqual(outcome, [["0a", "0b"], ["1a", "1b"], ["2a"]]);
  });
});
