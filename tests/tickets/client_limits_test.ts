import assert from "node:assert/strict";
import { ConfigError, UsageError } from "../../src/errors.ts";
import {
  listAllTickets,
  syncTicketPages,
  TicketApiError,
  TicketClient,
} from "../../src/tickets/mod.ts";
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
  context: [],
};

function rejectsWith(promise: Promise<unknown>, pattern: RegExp) {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof TicketApiError, String(err));
    assert.match(err.message, pattern);
    assert.equal(err.exitCode, 6);
    return true;
  });
}

Deno.test("TicketClient stops reading an answer larger than 8 MiB and names the endpoint and the limit", async () => {
  await using server = startContractServer();
  const client = new TicketClient({
    baseUrl: server.url,
    token: server.token,
    timeoutMs: 20_000,
  });
  server.fail({ kind: "oversized" });
  await rejectsWith(
    client.listTickets(),
    /^Cannot read the answer to GET \/api\/v1\/xmpp\/tickets: it is larger than 8 MiB$/,
  );
});

Deno.test("TicketClient refuses fields longer than the contract allows", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  const ticket = await client.createTicket(REQUEST, "key-limits-1");
  await t.step("a 1 MB subject", async () => {
    server.fail({
      kind: "json",
      body: { ...ticket, subject: "s".repeat(1_000_000) },
    });
    await rejectsWith(
      client.getTicket(ticket.id),
      /^Unexpected answer from GET \/api\/v1\/xmpp\/tickets\/T-1001: subject: /,
    );
  });
  await t.step("a 1 MB cursor", async () => {
    server.fail({
      kind: "json",
      body: { items: [], nextCursor: "c".repeat(1_000_000) },
    });
    await rejectsWith(client.listTickets(), /nextCursor/);
  });
});

Deno.test("TicketClient checks ticket ids: the caller's before any request, the backend's as part of the contract", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  const ticket = await client.createTicket(REQUEST, "key-ids-0001");
  for (const id of ["..", ".", "a/b", "%2e%2e", "", "x".repeat(65)]) {
    await t.step(`caller id ${JSON.stringify(id)}`, async () => {
      const before = server.requests.length;
      await assert.rejects(client.getTicket(id), UsageError);
      await assert.rejects(client.syncTicket(id), UsageError);
      assert.equal(server.requests.length, before, "nothing was sent");
    });
  }
  await t.step("a ticket id from the backend that is not an id", async () => {
    server.fail({ kind: "json", body: { ...ticket, id: ".." } });
    await rejectsWith(client.getTicket(ticket.id), /id: expected a ticket id/);
  });
  await t.step("another ticket than the one asked for", async () => {
    server.fail({ kind: "json", body: { ...ticket, id: "T-9999" } });
    await rejectsWith(
      client.getTicket(ticket.id),
      /answered for ticket "T-9999" instead of "T-1001"/,
    );
  });
  await t.step("a sync page of another ticket", async () => {
    server.fail({
      kind: "json",
      body: {
        ticketId: "toString",
        status: "open",
        events: [],
        nextCursor: "1",
      },
    });
    await rejectsWith(client.syncTicket(ticket.id), /instead of "T-1001"/);
  });
});

Deno.test("listAllTickets() stops on a repeated cursor and after the page limit", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await t.step("a backend that always sends the same cursor", async () => {
    server.fail({ kind: "json", body: { items: [], nextCursor: "again" } }, 50);
    await rejectsWith(
      listAllTickets(client, {}),
      /^The ticket backend repeated the cursor "again" of GET \/api\/v1\/xmpp\/tickets: stopped after 2 pages$/,
    );
    server.heal();
  });
  await t.step("a backend that never stops", async () => {
    server.fail({
      kind: "json",
      body: (url: URL) => ({
        items: [],
        nextCursor: `n${
          Number(url.searchParams.get("cursor")?.slice(1) ?? 0) + 1
        }`,
      }),
    }, 100);
    await rejectsWith(
      listAllTickets(client, {}, { maxPages: 5 }),
      /^The ticket backend sent more than 5 pages for GET \/api\/v1\/xmpp\/tickets: stopped paging$/,
    );
    server.heal();
  });
});

Deno.test("syncTicketPages() follows a ticket's events to the end, and stops on a cursor that does not move", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  const ticket = await client.createTicket(REQUEST, "key-sync-0001");
  server.agentReply(ticket.id, "one");
  server.agentReply(ticket.id, "two", "resolved");
  await t.step("all events, then a page without any ends it", async () => {
    const pages = [];
    for await (const page of syncTicketPages(client, ticket.id, undefined)) {
      pages.push(page);
    }
    assert.deepEqual(pages.flatMap((p) => p.events).length, 3);
  });
  await t.step("events whose nextCursor is the cursor sent", async () => {
    const page = await client.syncTicket(ticket.id);
    server.fail({ kind: "json", body: { ...page, nextCursor: "2" } }, 1);
    server.fail({ kind: "json", body: { ...page, nextCursor: "2" } }, 1);
    const seen = [];
    await rejectsWith(
      (async () => {
        for await (const p of syncTicketPages(client, ticket.id, "2")) {
          seen.push(p);
        }
      })(),
      /repeated the cursor "2" of GET \/api\/v1\/xmpp\/tickets\/T-1001\/sync/,
    );
    assert.equal(seen.length, 0, "events that would come again are not used");
  });
});

Deno.test("TicketClient gives up on a Retry-After that never ends and does not follow redirects", async (t) => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  await t.step("429 with Retry-After: 0, forever", async () => {
    server.fail({ kind: "status", status: 429, retryAfter: 0 }, 1000);
    const before = server.requests.length;
    await rejectsWith(client.listTickets(), /with 429/);
    assert.ok(server.requests.length - before <= 4);
    server.heal();
  });
  await t.step("302 to another host", async () => {
    await using other = startContractServer();
    server.fail({
      kind: "redirect",
      location: `${other.url}/api/v1/xmpp/tickets`,
    });
    await rejectsWith(
      client.listTickets(),
      /^The ticket backend answered GET \/api\/v1\/xmpp\/tickets with a redirect \(302\); pidgin does not follow redirects$/,
    );
    assert.equal(other.requests.length, 0, "the token went nowhere else");
  });
});

Deno.test("TicketClient keeps a backend's error text short and on one line", async () => {
  await using server = startContractServer();
  const client = new TicketClient({ baseUrl: server.url, token: server.token });
  server.fail({
    kind: "json",
    status: 500,
    body: {
      error: {
        code: "internal",
        message: "first line\n18:00:00 admin: forged\r\n" + "x".repeat(20_000),
        details: Array.from({ length: 1000 }, (_, i) => ({
          field: `f${i}`,
          message: "bad\nline",
        })),
      },
    },
  });
  await assert.rejects(client.listTickets(), (err: unknown) => {
    assert.ok(err instanceof TicketApiError);
    assert.ok(!/[\n\r]/.test(err.message), err.message.slice(0, 200));
    assert.ok(err.message.length < 500, `${err.message.length} characters`);
    assert.match(err.message, /: first line 18:00:00 admin: forged x+…/);
    return true;
  });
  server.fail({
    kind: "json",
    status: 422,
    body: {
      error: {
        code: "validation_failed",
        message: "bad",
        details: Array.from({ length: 1000 }, (_, i) => ({
          field: `f${i}`,
          message: "bad\nline",
        })),
      },
    },
  });
  await assert.rejects(
    client.createTicket(REQUEST, "key-errors-01"),
    (err: unknown) => {
      assert.ok(err instanceof TicketApiError);
      assert.ok(!/[\n\r]/.test(err.message));
      assert.ok(err.message.length < 600, `${err.message.length} characters`);
      assert.match(
        err.message,
        /\(f0 bad line; .*; f4 bad line; and 995 more\)$/,
      );
      return true;
    },
  );
});

Deno.test("TicketClient refuses to send the token over http:// to anything but loopback", async (t) => {
  for (
    const url of [
      "http://tickets.example.com",
      "http://10.0.0.1:8080/x",
      "ftp://127.0.0.1",
    ]
  ) {
    await t.step(url, () => {
      assert.throws(
        () => new TicketClient({ baseUrl: url, token: "secret-token" }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.ok(!`${err.message}${err.hint}`.includes("secret-token"));
          return true;
        },
      );
    });
  }
  for (
    const url of [
      "https://tickets.example.com",
      "http://127.0.0.1:8080",
      "http://[::1]:8080",
      "http://localhost:8080/base",
    ]
  ) {
    await t.step(url, () => {
      new TicketClient({ baseUrl: url, token: "t" });
    });
  }
});
