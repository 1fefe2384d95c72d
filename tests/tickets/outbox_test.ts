import assert from "node:assert/strict";
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
