import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { openJsonDir } from "../../src/store/mod.ts";
import { Outbox, TicketClient } from "../../src/tickets/mod.ts";
import { startContractServer } from "../_support/contract_server.ts";

function request(i: number) {
  return {
    account: "alice@localhost",
    contact: "bob@localhost",
    subject: `ticket ${i}`,
    message: {
      from: "alice@localhost",
      to: "bob@localhost",
      body: `problem ${i}`,
      sentAt: new Date().toISOString(),
    },
    context: [],
  };
}

async function withOutbox(fn: (outbox: Outbox, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(new Outbox(openJsonDir(dir)), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Outbox.flush() delivers every ticket exactly once after the backend heals", async () => {
  await using server = startContractServer();
  const client = new TicketClient({
    baseUrl: server.url,
    token: server.token,
    timeoutMs: 500,
  });
  await withOutbox(async (outbox, dir) => {
    server.fail({ kind: "status", status: 500 }, 100);
    for (let i = 1; i <= 5; i++) await outbox.queueCreate(request(i));
    const failing = await outbox.flush(client);
    assert.equal(failing.deferred.length, 5);
    assert.equal(server.tickets().length, 0);
    const waiting = await outbox.list();
    assert.ok(
      waiting.every((item) =>
        item.attempts === 1 && Date.parse(item.nextAttemptAt) > Date.now()
      ),
    );
    assert.equal(
      (await outbox.flush(client)).deferred.length,
      0,
      "nothing is due yet, so nothing is sent",
    );

    server.heal();
    const healed = await outbox.flush(client, { force: true });
    assert.equal(healed.delivered.length, 5);
    assert.deepEqual(server.tickets().map((t) => t.subject), [
      "ticket 1",
      "ticket 2",
      "ticket 3",
      "ticket 4",
      "ticket 5",
    ]);
    assert.deepEqual(await outbox.list(), []);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("Outbox.flush() creates a ticket once when the backend committed but the answer was lost", async () => {
  await using server = startContractServer();
  const client = new TicketClient({
    baseUrl: server.url,
    token: server.token,
    timeoutMs: 500,
  });
  await withOutbox(async (outbox) => {
    const item = await outbox.queueCreate(request(1));
    server.fail({ kind: "drop-after-commit" });
    const lost = await outbox.flush(client);
    assert.equal(lost.deferred.length, 1);
    assert.equal(server.tickets().length, 1, "the backend did commit");
    const retried = await outbox.flush(client, { force: true });
    assert.equal(retried.delivered.length, 1);
    assert.equal(
      server.tickets().length,
      1,
      "and the retry did not create a second one",
    );
    const keys = server.requests.filter((r) => r.method === "POST").map((r) =>
      r.idempotencyKey
    );
    assert.deepEqual(keys, [item.idempotencyKey, item.idempotencyKey]);
  });
});

Deno.test("Outbox.flush() keeps an item the backend refuses as failed, and does not retry it", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await withOutbox(async (outbox) => {
    await outbox.queueMessage("T-404", {
      author: { kind: "agent", name: "A" },
      body: "hello",
    });
    const report = await outbox.flush(client);
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0]!.error.message, /Ticket "T-404" not found/);
    const [item] = await outbox.list();
    assert.equal(item!.state, "failed");
    const before = server.requests.length;
    await outbox.flush(client, { force: true });
    assert.equal(server.requests.length, before);
  });
});

Deno.test("Outbox.flush() sends each item once when two flushes overlap", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await withOutbox(async (outbox, dir) => {
    for (let i = 1; i <= 4; i++) await outbox.queueCreate(request(i));
    const other = new Outbox(openJsonDir(dir));
    const [a, b] = await Promise.all([
      outbox.flush(client, { force: true }),
      other.flush(client, { force: true }),
    ]);
    assert.equal(a.delivered.length + b.delivered.length, 4);
    assert.equal(
      server.requests.filter((r) => r.method === "POST").length,
      4,
      "no item was sent twice",
    );
    assert.deepEqual(await outbox.list(), []);
  });
});

Deno.test("Outbox sets an unusable record aside, reports it once, and sends the others", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await withOutbox(async (_, dir) => {
    const rejected: string[] = [];
    const outbox = new Outbox(openJsonDir(dir), {
      onRejected: (item, from) => rejected.push(`${from}: ${item.reason}`),
    });
    const good = await outbox.queueCreate(request(1));
    const bad = { ...good, id: "000000000000000-000000-aaaaaaaa" };
    bad.request = {
      ...good.request,
      context: Array.from({ length: 501 }, () => "line"),
    };
    await Deno.writeTextFile(`${dir}/${bad.id}.json`, JSON.stringify(bad));
    const report = await outbox.flush(client);
    assert.equal(report.delivered.length, 1);
    assert.deepEqual(rejected, [
      "000000000000000-000000-aaaaaaaa: request.context: Too big: expected array to have <=500 items",
    ]);
    await outbox.flush(client);
    assert.equal(rejected.length, 1, "reported once");
    const [shown] = await outbox.rejected();
    assert.equal(shown?.id, bad.id);
    assert.match(shown!.reason, /request\.context: Too big/);
    assert.equal(await outbox.discard(bad.id), true);
    assert.deepEqual(await outbox.rejected(), []);
  });
});

Deno.test("Outbox.queueCreate() refuses a request the contract does not allow, and stores nothing", async () => {
  await withOutbox(async (outbox, dir) => {
    const big = request(1);
    big.message.body = "b".repeat(20_001);
    await assert.rejects(outbox.queueCreate(big), UsageError);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("Outbox.flush() removes a delivered item even when recording it fails", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await withOutbox(async (outbox) => {
    await outbox.queueCreate(request(1));
    const report = await outbox.flush(client, {
      onDelivered: () => Promise.reject(new Error("index damaged")),
    });
    assert.equal(report.delivered.length, 1);
    assert.deepEqual(report.warnings.map((w) => w.message), ["index damaged"]);
    assert.deepEqual(await outbox.list(), []);
    assert.equal(
      (await outbox.flush(client, { force: true })).delivered.length,
      0,
    );
    assert.equal(server.tickets().length, 1);
  });
});
