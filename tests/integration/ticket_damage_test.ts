import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startContractServer,
  ticketEnv,
  ticketProfile,
} from "../_support/contract_server.ts";
import { runCli } from "../_support/run_cli.ts";

function stateDir(purple: string) {
  return join(purple, "pidgin", "alice@localhost");
}

function outboxDir(purple: string) {
  return join(stateDir(purple), "outbox");
}

function names(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

Deno.test("a damaged tickets.json is set aside once and rebuilt; the ticket the backend created is reported", async (t) => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  const index = join(stateDir(purple), "tickets.json");
  await Deno.mkdir(stateDir(purple), { recursive: true });
  await t.step(
    "not JSON: create exits 0 with the id, one warning",
    async () => {
      await Deno.writeTextFile(index, '{"version": 1, "tickets": {"T-1');
      const created = await runCli(
        ["ticket", "create", "bob@localhost", "hi"],
        {
          env,
        },
      );
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout, `${server.tickets()[0]!.id}\n`);
      assert.equal(server.tickets().length, 1);
      const warnings = created.stderr.trim().split("\n");
      assert.equal(warnings.length, 2, created.stderr);
      assert.match(
        warnings[0]!,
        /^pidgin: Set aside the damaged ticket index ".*tickets\.json" as "tickets\.json\.damaged-[0-9TZ.-]+": not valid JSON$/,
      );
      assert.match(warnings[1]!, /^hint: .*pidgin ticket list/);
      const rebuilt = JSON.parse(await Deno.readTextFile(index));
      assert.deepEqual(Object.keys(rebuilt.tickets), [server.tickets()[0]!.id]);
      const again = await runCli(["ticket", "list", "--offline"], { env });
      assert.equal(again.code, 0);
      assert.equal(again.stderr, "");
    },
  );
  await t.step(
    "valid JSON that is not an index: list --offline sets it aside, list rebuilds it",
    async () => {
      await Deno.writeTextFile(
        index,
        JSON.stringify({ version: 1, tickets: { "T-1": { subject: 7 } } }),
      );
      const offline = await runCli(["ticket", "list", "--offline"], { env });
      assert.equal(offline.code, 0, offline.stderr);
      assert.match(offline.stderr, /damaged ticket index .*: tickets\.T-1\./);
      const online = await runCli(["ticket", "list", "--json"], { env });
      assert.equal(online.code, 0, online.stderr);
      assert.equal(JSON.parse(online.stdout).length, 1);
      const offlineAgain = await runCli([
        "ticket",
        "list",
        "--offline",
        "--json",
      ], {
        env,
      });
      assert.equal(JSON.parse(offlineAgain.stdout).length, 1);
      assert.equal(
        names(stateDir(purple)).filter((n) => n.includes(".damaged-")).length,
        2,
      );
    },
  );
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket create fits the contract: a message over 20000 characters is refused before queueing, long log lines are cut", async (t) => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  await t.step(
    "the message itself: exit 2, nothing queued or sent",
    async () => {
      const before = server.requests.length;
      const result = await runCli(["ticket", "create", "bob@localhost"], {
        env,
        stdin: "z".repeat(20_001),
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^pidgin: Cannot create a ticket: the message has 20001 characters, more than the 20000 the ticket backend takes\n/,
      );
      assert.deepEqual(names(outboxDir(purple)), []);
      assert.equal(server.requests.length, before);
    },
  );
  await t.step(
    "a subject over 200 characters, a reply over 20000: exit 2",
    async () => {
      const before = server.requests.length;
      const subject = await runCli([
        "ticket",
        "create",
        "--subject",
        "s".repeat(201),
        "bob@localhost",
        "hi",
      ], { env });
      assert.equal(subject.code, 2, subject.stderr);
      assert.match(
        subject.stderr,
        /the subject has 201 characters, more than the 200/,
      );
      const reply = await runCli(["ticket", "reply", "T-1"], {
        env,
        stdin: "r".repeat(20_001),
      });
      assert.equal(reply.code, 2, reply.stderr);
      assert.match(
        reply.stderr,
        /^pidgin: Cannot reply: the message has 20001 characters/,
      );
      assert.deepEqual(names(outboxDir(purple)), []);
      assert.equal(server.requests.length, before);
    },
  );
  await t.step("a 30000-character line in the log", async () => {
    const logs = join(
      purple,
      "logs",
      "jabber",
      "alice@localhost",
      "bob@localhost",
    );
    await Deno.writeTextFile(
      join(logs, "2026-11-26.120000+0000UTC.txt"),
      "Conversation with bob@localhost at Thu 26 Nov 2026 12:00:00 PM UTC on alice@localhost/pidgin (jabber)\n" +
        `(12:00:00 PM) bob@localhost: ${"y".repeat(30_000)}\n` +
        "(12:00:01 PM) bob@localhost: short\n",
    );
    const result = await runCli(["ticket", "create", "bob@localhost", "long"], {
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    const context = server.tickets().at(-1)!.context;
    const long = context.at(-2)!;
    assert.equal(long.length, 20_000);
    const cut = /y… \[cut: (\d+) more characters\]$/.exec(long);
    assert.ok(cut, long.slice(-60));
    assert.equal(long.length - cut[0].length + 1 + Number(cut[1]), 30_029);
    assert.equal(context.at(-1), "(12:00:01 PM) bob@localhost: short");
  });
  await Deno.remove(purple, { recursive: true });
});

Deno.test("an outbox record that fails validation is moved to rejected/, reported once, and blocks nothing", async (t) => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  server.fail({ kind: "status", status: 500 }, 10);
  const queued = await runCli(["ticket", "create", "bob@localhost", "kept"], {
    env,
  });
  assert.match(queued.stderr, /queued in the outbox/);
  const [good] = names(outboxDir(purple));
  const record = JSON.parse(
    await Deno.readTextFile(join(outboxDir(purple), good!)),
  );
  // As an older pidgin wrote it: a body over the contract's limit.
  record.id = "000000000000001-000000-oversize";
  record.request.message.body = "b".repeat(20_001);
  await Deno.writeTextFile(
    join(outboxDir(purple), `${record.id}.json`),
    JSON.stringify(record),
  );
  await Deno.writeTextFile(
    join(outboxDir(purple), "000000000000002-000000-cutshort.json"),
    "{ not json",
  );
  server.heal();
  await t.step(
    "flush delivers the good item and names each rejected file once",
    async () => {
      const flushed = await runCli(["ticket", "flush"], { env });
      assert.equal(flushed.code, 0, flushed.stderr);
      assert.match(flushed.stdout, /^created T-\d+\n$/);
      const lines = flushed.stderr.trim().split("\n");
      assert.deepEqual(
        lines.map((l) => l.replace(/"[^"]*\/outbox\/rejected\//g, '"…/')),
        [
          'pidgin: Moved the outbox record "000000000000001-000000-oversize" to "…/000000000000001-000000-oversize.json": request.message.body: Too big: expected string to have <=20000 characters',
          "hint: Run pidgin ticket outbox to see it, pidgin ticket outbox --discard 000000000000001-000000-oversize to drop it",
          'pidgin: Moved the outbox record "000000000000002-000000-cutshort" to "…/000000000000002-000000-cutshort.json": not valid JSON',
          "hint: Run pidgin ticket outbox to see it, pidgin ticket outbox --discard 000000000000002-000000-cutshort to drop it",
        ],
      );
      const again = await runCli(["ticket", "flush"], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, "");
    },
  );
  await t.step("ticket outbox shows them as rejected, with why", async () => {
    const shown = await runCli(["ticket", "outbox"], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      /^000000000000001-000000-oversize {2}rejected: request\.message\.body: Too big.*\n {4}in .*rejected\/000000000000001-000000-oversize\.json; pidgin ticket outbox --discard 000000000000001-000000-oversize removes it\n/,
    );
    assert.match(
      shown.stdout,
      /000000000000002-000000-cutshort {2}rejected: not valid JSON/,
    );
    const json = JSON.parse(
      (await runCli(["ticket", "outbox", "--json"], { env })).stdout,
    );
    assert.deepEqual(json.map((i: { state: string }) => i.state), [
      "rejected",
      "rejected",
    ]);
  });
  await t.step(
    "--discard removes rejected ones; an unknown id is a usage error",
    async () => {
      for (
        const id of [
          "000000000000001-000000-oversize",
          "000000000000002-000000-cutshort",
        ]
      ) {
        const discarded = await runCli(["ticket", "outbox", "--discard", id], {
          env,
        });
        assert.equal(discarded.code, 0, discarded.stderr);
      }
      assert.deepEqual(names(join(outboxDir(purple), "rejected")), []);
      const unknown = await runCli(["ticket", "outbox", "--discard", "nope"], {
        env,
      });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /^pidgin: No outbox item "nope"\n/);
      const empty = await runCli(["ticket", "outbox"], { env });
      assert.equal(empty.stderr, "The outbox is empty\n");
    },
  );
  assert.equal(
    server.tickets().filter((x) => x.messages[0]!.body === "kept").length,
    1,
  );
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket outbox names the command that drops an item the backend refuses for good", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  server.fail({ kind: "status", status: 500 }, 1);
  await runCli(["ticket", "reply", "T-404", "hello"], { env });
  const flush = await runCli(["ticket", "flush"], { env });
  const [id] = names(outboxDir(purple)).map((n) => n.replace(/\.json$/, ""));
  assert.match(
    flush.stderr,
    new RegExp(
      `failed ${id}: Ticket "T-404" not found\nhint: .*pidgin ticket outbox --discard ${id}`,
    ),
  );
  const shown = await runCli(["ticket", "outbox"], { env });
  assert.match(
    shown.stdout,
    new RegExp(
      `failed, not retried; last error: Ticket "T-404" not found; pidgin ticket outbox --discard ${id} removes it`,
    ),
  );
  await Deno.remove(purple, { recursive: true });
});
