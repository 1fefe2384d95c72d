import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startContractServer,
  ticketEnv,
  ticketProfile,
} from "../_support/contract_server.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("ticket commands refuse ids that are not ticket ids (exit 2) and send nothing", async (t) => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  for (
    const args of [
      ["show", ".."],
      ["show", "a/b"],
      ["reply", "%2e%2e", "hi"],
      ["sync", "../../presence"],
      ["show", "x\u001b]0;title\u0007"],
    ]
  ) {
    await t.step(args.join(" "), async () => {
      const result = await runCli(["ticket", ...args], { env });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^pidgin: Invalid ticket id "/);
      assert.ok(!result.stderr.includes("\u001b"));
    });
  }
  assert.deepEqual(server.requests, []);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket list stops paging a backend that never stops (exit 6)", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  let n = 0;
  server.fail(
    { kind: "json", body: () => ({ items: [], nextCursor: `c${++n}` }) },
    5000,
    "/tickets",
  );
  const result = await runCli(["ticket", "list"], {
    env: ticketEnv(server, purple),
  });
  assert.equal(result.code, 6, result.stderr);
  assert.match(
    result.stderr,
    /^pidgin: The ticket backend sent more than 1000 pages for GET \/api\/v1\/xmpp\/tickets: stopped paging\n/,
  );
  assert.equal(server.requests.length, 1000);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket list --offline and ticket outbox need no backend settings", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  assert.equal(
    (await runCli(["ticket", "create", "bob@localhost", "hi"], { env })).code,
    0,
  );
  const offline = { XMPP_JID: "alice@localhost", PURPLE_HOME: purple };
  const list = await runCli(["ticket", "list", "--offline"], { env: offline });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /T-1001 +open +bob@localhost/);
  const outbox = await runCli(["ticket", "outbox"], { env: offline });
  assert.equal(outbox.code, 0, outbox.stderr);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("an http:// backend that is not loopback is refused (exit 3) before anything is queued or sent", async (t) => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  for (const args of [["list"], ["create", "bob@localhost", "hi"]]) {
    await t.step(args.join(" "), async () => {
      const result = await runCli(["ticket", ...args], {
        env: ticketEnv(server, purple, {
          API_BASE_URL: "http://tickets.example.com",
        }),
      });
      assert.equal(result.code, 3, result.stderr);
      assert.equal(
        result.stderr,
        'pidgin: Refusing API_BASE_URL "http://tickets.example.com": the API token would travel in clear text\n' +
          "hint: Use https://, or http:// only for 127.0.0.1/::1/localhost\n",
      );
    });
  }
  assert.deepEqual(
    [...Deno.readDirSync(join(purple))].some((e) => e.name === "pidgin"),
    false,
  );
  await Deno.remove(purple, { recursive: true });
});

Deno.test("a backend's error text reaches the user on one bounded line", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  server.fail({
    kind: "json",
    status: 403,
    body: {
      error: {
        code: "forbidden",
        message: `no\npidgin: All good, exit 0\n${"z".repeat(5000)}`,
      },
    },
  });
  const result = await runCli(["ticket", "list"], {
    env: ticketEnv(server, purple),
  });
  assert.equal(result.code, 6);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 2, result.stderr.slice(0, 300));
  assert.match(
    lines[0]!,
    /^pidgin: API token rejected by the ticket backend \(403\): no pidgin: All good, exit 0 z+…$/,
  );
  assert.ok(lines[0]!.length < 400);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket sync never shows an event twice when the backend repeats a cursor", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  const id =
    (await runCli(["ticket", "create", "bob@localhost", "hi"], { env }))
      .stdout.trim();
  const message = server.agentReply(id, "only once");
  const page = {
    ticketId: id,
    status: "open",
    events: [{ type: "message", cursor: "5", message }],
    nextCursor: "5",
  };
  server.fail({ kind: "json", body: page }, 3, "/sync");
  const first = await runCli(["ticket", "sync", id], { env });
  const second = await runCli(["ticket", "sync", id], { env });
  assert.equal(
    (first.stdout + second.stdout).match(/only once/g)?.length,
    1,
    first.stdout + second.stdout,
  );
  assert.equal(second.code, 6);
  assert.match(
    second.stderr,
    /^pidgin: The ticket backend repeated the cursor "5"/,
  );
  await Deno.remove(purple, { recursive: true });
});
