import assert from "node:assert/strict";
import { TicketApiError, TicketClient } from "../../src/tickets/mod.ts";
import { startContractServer } from "../_support/contract_server.ts";

const REQUEST = {
  account: "alice@localhost",
  contact: "bob@localhost",
  message: {
    from: "alice@localhost",
    to: "bob@localhost",
    body: "Printer jammed",
    sentAt: new Date().toISOString(),
  },
  context: ["(10:00:00) bob@localhost: help"],
};

function rejectsWith(
  promise: Promise<unknown>,
  pattern: RegExp,
  retryable?: boolean,
) {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof TicketApiError, String(err));
    assert.match(err.message, pattern);
    if (retryable !== undefined) assert.equal(err.retryable, retryable);
    return true;
  });
}

Deno.test("TicketClient creates, lists, shows, replies and syncs against the contract server", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  const ticket = await client.createTicket(REQUEST, "key-0000001");
  assert.equal(ticket.contact, "bob@localhost");
  assert.deepEqual(ticket.context, REQUEST.context);
  assert.deepEqual(
    (await client.listTickets({ contact: "bob@localhost" })).items.map((t) =>
      t.id
    ),
    [ticket.id],
  );
  assert.equal((await client.getTicket(ticket.id)).subject, "Printer jammed");
  const reply = await client.addMessage(ticket.id, {
    author: { kind: "agent", name: "Alice" },
    body: "On it",
  }, "key-0000002");
  assert.equal(reply.body, "On it");
  server.agentReply(ticket.id, "Fixed", "resolved");
  const page = await client.syncTicket(ticket.id);
  assert.deepEqual(
    page.events.map((e) => e.type === "message" ? e.message.body : e.status),
    ["On it", "Fixed", "resolved"],
  );
  assert.deepEqual(
    (await client.syncTicket(ticket.id, page.nextCursor)).events,
    [],
  );
});

Deno.test("TicketClient reports each failure clearly, and never the token", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({
    baseUrl: server.url,
    token: server.token,
    timeoutMs: 300,
    maxRetryAfterMs: 1000,
  });
  await t.step("401: API token rejected", async () => {
    const wrong = new TicketClient({
      baseUrl: server.url,
      token: "not-the-token",
    });
    await assert.rejects(wrong.listTickets(), (err: unknown) => {
      assert.ok(err instanceof TicketApiError);
      assert.match(
        err.message,
        /^API token rejected by the ticket backend \(401\)/,
      );
      assert.match(err.hint!, /API_TOKEN/);
      assert.ok(!`${err.message}${err.hint}`.includes("not-the-token"));
      return true;
    });
  });
  await t.step(
    "404: names the ticket",
    () =>
      rejectsWith(client.getTicket("T-9"), /^Ticket "T-9" not found$/, false),
  );
  await t.step("422: the server's validation messages", () =>
    rejectsWith(
      client.createTicket(
        {
          ...REQUEST,
          message: { ...REQUEST.message, body: "" },
        } as typeof REQUEST,
        "key-0000003",
      ),
      /refused POST \/api\/v1\/xmpp\/tickets: The request has invalid fields \(message\.body .+\)/,
      false,
    ));
  await t.step("500: retryable", async () => {
    server.fail({ kind: "status", status: 500 });
    await rejectsWith(
      client.listTickets(),
      /failed GET \/api\/v1\/xmpp\/tickets with 500/,
      true,
    );
  });
  await t.step("429 with Retry-After: waits and succeeds", async () => {
    server.fail({ kind: "status", status: 429, retryAfter: 0.05 });
    const before = server.requests.length;
    await client.listTickets();
    assert.equal(server.requests.length - before, 2);
  });
  await t.step(
    "503 with a Retry-After longer than allowed: retryable error saying so",
    async () => {
      server.fail({ kind: "status", status: 503, retryAfter: 60 });
      await rejectsWith(client.listTickets(), /with 503.*retry in 60 s$/, true);
    },
  );
  await t.step("timeout", async () => {
    server.fail({ kind: "hang" });
    await rejectsWith(
      client.listTickets(),
      /did not answer within 0\.3 s$/,
      true,
    );
  });
  await t.step("connection refused", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const nowhere = new TicketClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: server.token,
    });
    await rejectsWith(
      nowhere.listTickets(),
      /^Cannot reach the ticket backend at "http:\/\/127\.0\.0\.1:\d+"/,
      true,
    );
  });
  await t.step(
    "a body that breaks the contract names endpoint and field",
    async () => {
      const ticket = await client.createTicket(REQUEST, "key-0000009");
      server.fail({ kind: "malformed" });
      await rejectsWith(
        client.getTicket(ticket.id),
        new RegExp(
          `^Unexpected answer from GET /api/v1/xmpp/tickets/${ticket.id}: id: `,
        ),
        false,
      );
    },
  );
});
