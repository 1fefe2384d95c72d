import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type ContractServer,
  startContractServer,
} from "../_support/contract_server.ts";
import { fixture } from "../_support/env.ts";
import { runCli, spawnCli } from "../_support/run_cli.ts";

/** A profile copied from the Finch fixture, so ticket context comes from real Pidgin logs. */
async function profile(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pidgin-profile-" });
  await new Deno.Command("cp", { args: ["-a", `${fixture("purple")}/.`, dir] })
    .output();
  return dir;
}

function env(
  server: ContractServer,
  purple: string,
  extra: Record<string, string> = {},
) {
  return {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
    API_TIMEOUT: "1",
    XMPP_JID: "alice@localhost",
    PURPLE_HOME: purple,
    ...extra,
  };
}

function outboxDir(purple: string) {
  return join(purple, "pidgin", "alice@localhost", "outbox");
}

Deno.test("ticket create, list, show, reply and sync work end to end against the contract", async (t) => {
  await using server = startContractServer();
  const purple = await profile();
  const e = env(server, purple);
  let id = "";
  await t.step(
    "create: prints the id; the context is the conversation from the Pidgin logs",
    async () => {
      const result = await runCli([
        "ticket",
        "create",
        "--context",
        "3",
        "bob@localhost",
        "Printer",
        "jammed",
      ], { env: e });
      assert.equal(result.code, 0, result.stderr);
      id = result.stdout.trim();
      const [ticket] = server.tickets();
      assert.equal(ticket!.id, id);
      assert.equal(ticket!.contact, "bob@localhost");
      assert.equal(ticket!.messages[0]!.body, "Printer jammed");
      assert.deepEqual(ticket!.context, [
        "(12:24:46) alice@localhost/Finch: alice reply run 3 (no account alias)",
        "(12:24:47) ***alice@localhost/Finch shrugs",
        "(11/24/26 11:24:48) Bobby <B&B> Ü: delayed by 25 hours",
      ]);
    },
  );
  await t.step("create from stdin with --json", async () => {
    const result = await runCli([
      "ticket",
      "create",
      "--json",
      "--priority",
      "high",
      "carol@localhost",
    ], {
      env: e,
      stdin: "VPN drops\nevery hour\n",
    });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.status, "created");
    assert.equal(out.ticket.priority, "high");
    assert.equal(out.ticket.messages[0].body, "VPN drops\nevery hour");
  });
  await t.step(
    "list: a table, filters, JSON, and offline from the index",
    async () => {
      const table = await runCli(["ticket", "list"], { env: e });
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^ID +STATUS +CONTACT +UPDATED +SUBJECT\n/);
      assert.equal(table.stdout.trim().split("\n").length, 3);
      const bob = JSON.parse(
        (await runCli([
          "ticket",
          "list",
          "--json",
          "--contact",
          "bob@localhost",
        ], { env: e })).stdout,
      );
      assert.deepEqual(bob.map((x: { id: string }) => x.id), [id]);
      const offline = await runCli([
        "ticket",
        "list",
        "--offline",
        "--json",
        "--contact",
        "carol@localhost",
      ], {
        env: { ...e, API_BASE_URL: "http://127.0.0.1:9" },
      });
      assert.equal(offline.code, 0, offline.stderr);
      assert.equal(JSON.parse(offline.stdout)[0].contact, "carol@localhost");
    },
  );
  await t.step("reply and show", async () => {
    const reply = await runCli([
      "ticket",
      "reply",
      id,
      "Have",
      "you",
      "tried",
      "tray",
      "2?",
    ], { env: e });
    assert.equal(reply.code, 0, reply.stderr);
    const show = await runCli(["ticket", "show", id], { env: e });
    assert.equal(show.code, 0, show.stderr);
    const lines = show.stdout.trim().split("\n");
    assert.match(lines[0]!, new RegExp(`^${id}  open  normal  bob@localhost$`));
    assert.match(lines.at(-1)!, /Alice A \(agent\): Have you tried tray 2\?$/);
  });
  await t.step("sync prints what is new once; the cursor is kept", async () => {
    server.agentReply(id, "Drum replaced", "resolved");
    const first = await runCli(["ticket", "sync", id], { env: e });
    assert.equal(first.code, 0, first.stderr);
    const shown = first.stdout.trim().split("\n").map((l) =>
      l.replace(/ \d{4}-\d\d-\d\d \d\d:\d\d /, " ")
    );
    assert.deepEqual(shown, [
      `${id} Alice A (agent): Have you tried tray 2?`,
      `${id} Dana (IT) (agent): Drum replaced`,
      `${id} status resolved`,
    ]);
    const again = await runCli(["ticket", "sync", id], { env: e });
    assert.equal(again.stdout, "");
  });
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket errors: each is one line with exit 6 (or 3 for settings), and the token never shows", async (t) => {
  await using server = startContractServer();
  const purple = await profile();
  const e = env(server, purple);
  const check = (
    result: { code: number; stderr: string; stdout: string },
    code: number,
    pattern: RegExp,
  ) => {
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr.split("\n")[0]!, pattern);
    assert.ok(!(result.stderr + result.stdout).includes(server.token));
  };
  await t.step("token rejected", async () => {
    check(
      await runCli(["ticket", "list"], {
        env: { ...e, API_TOKEN: "wrong-token" },
      }),
      6,
      /^pidgin: API token rejected/,
    );
  });
  await t.step("unknown ticket", async () => {
    check(
      await runCli(["ticket", "show", "T-77"], { env: e }),
      6,
      /^pidgin: Ticket "T-77" not found$/,
    );
  });
  await t.step("reply to an unknown ticket is not queued", async () => {
    check(
      await runCli(["ticket", "reply", "T-77", "hi"], { env: e }),
      6,
      /^pidgin: Ticket "T-77" not found$/,
    );
    assert.deepEqual([...Deno.readDirSync(outboxDir(purple))], []);
  });
  await t.step("malformed answer", async () => {
    server.fail({ kind: "malformed" });
    check(
      await runCli(["ticket", "list"], { env: e }),
      6,
      /^pidgin: Unexpected answer from GET \/api\/v1\/xmpp\/tickets: /,
    );
  });
  await t.step("backend down", async () => {
    check(
      await runCli(["ticket", "list"], {
        env: { ...e, API_BASE_URL: "http://127.0.0.1:9" },
      }),
      6,
      /^pidgin: Cannot reach the ticket backend/,
    );
  });
  await t.step("no API_BASE_URL", async () => {
    check(
      await runCli(["ticket", "list"], { env: { ...e, API_BASE_URL: "" } }),
      3,
      /^pidgin: Missing API_BASE_URL/,
    );
  });
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket outbox: N tickets made while the backend fails are created exactly once by flush", async () => {
  await using server = startContractServer();
  const purple = await profile();
  const e = env(server, purple);
  server.fail({ kind: "status", status: 500 }, 1000);
  for (const n of [1, 2, 3]) {
    const result = await runCli([
      "ticket",
      "create",
      "bob@localhost",
      `problem ${n}`,
    ], { env: e });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /queued in the outbox/);
  }
  const pending = await runCli(["ticket", "outbox"], { env: e });
  assert.equal(
    pending.stdout.match(/create ticket for bob@localhost: problem \d/g)
      ?.length,
    3,
  );
  assert.match(
    pending.stdout,
    /1 attempt\(s\), next .* UTC; last error: The ticket backend failed POST \/api\/v1\/xmpp\/tickets with 500/,
  );

  const stillDown = await runCli(["ticket", "flush"], { env: e });
  assert.equal(stillDown.code, 6);
  assert.match(
    stillDown.stderr,
    /^pidgin: Cannot flush the outbox: 3 item\(s\) still wait/,
  );

  server.heal();
  const flushed = await runCli(["ticket", "flush"], { env: e });
  assert.equal(flushed.code, 0, flushed.stderr);
  assert.equal(flushed.stdout.match(/^created T-\d+$/gm)?.length, 3);
  assert.deepEqual(server.tickets().map((x) => x.messages[0]!.body), [
    "problem 1",
    "problem 2",
    "problem 3",
  ]);
  assert.equal((await runCli(["ticket", "flush"], { env: e })).stdout, "");
  assert.equal(server.tickets().length, 3);
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket outbox: a lost answer or a kill at any moment still creates the ticket exactly once", async (t) => {
  await using server = startContractServer();
  const purple = await profile();
  const e = env(server, purple);
  await t.step("the backend committed but the answer was lost", async () => {
    server.fail({ kind: "drop-after-commit" });
    const result = await runCli([
      "ticket",
      "create",
      "bob@localhost",
      "answer lost",
    ], { env: e });
    assert.equal(result.code, 0);
    assert.match(result.stderr, /queued in the outbox/);
    assert.equal((await runCli(["ticket", "flush"], { env: e })).code, 0);
    assert.equal(
      server.tickets().filter((x) => x.messages[0]!.body === "answer lost")
        .length,
      1,
    );
  });
  await t.step("killed between writing the outbox and sending", async () => {
    // A backend that accepts connections and never reads them: nothing can be sent.
    const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) accepted.push(conn);
    })();
    const watcher = Deno.watchFs(purple, { recursive: true });
    await using create = spawnCli([
      "ticket",
      "create",
      "bob@localhost",
      "killed early",
    ], {
      env: {
        ...e,
        API_BASE_URL: `http://127.0.0.1:${(silent.addr as Deno.NetAddr).port}`,
        API_TIMEOUT: "30",
      },
    });
    // The item is written to a temp file and renamed: wait for the rename's target.
    const giveUp = setTimeout(() => watcher.close(), 10_000);
    let stored = false;
    for await (const event of watcher) {
      stored = event.paths.some((p) =>
        p.startsWith(outboxDir(purple)) && p.endsWith(".json")
      );
      if (stored) break;
    }
    clearTimeout(giveUp);
    try {
      watcher.close();
    } catch { /* closed by the timeout */ }
    assert.ok(stored, "the outbox item was never written");
    create.kill();
    await create.exited();
    silent.close();
    for (const conn of accepted) conn.close();
    await accepting;
    assert.equal((await runCli(["ticket", "flush"], { env: e })).code, 0);
    assert.equal(
      server.tickets().filter((x) => x.messages[0]!.body === "killed early")
        .length,
      1,
    );
  });
  await t.step("killed while the backend was working on it", async () => {
    server.fail({ kind: "hang" });
    const arrived = server.nextRequest("/tickets");
    await using create = spawnCli([
      "ticket",
      "create",
      "bob@localhost",
      "killed late",
    ], { env: { ...e, API_TIMEOUT: "30" } });
    await arrived;
    create.kill();
    await create.exited();
    assert.equal((await runCli(["ticket", "flush"], { env: e })).code, 0);
    assert.equal((await runCli(["ticket", "flush"], { env: e })).stdout, "");
    assert.equal(
      server.tickets().filter((x) => x.messages[0]!.body === "killed late")
        .length,
      1,
    );
  });
  await Deno.remove(purple, { recursive: true });
});

Deno.test("ticket sync --follow prints new events as they come, until Ctrl-C", async () => {
  await using server = startContractServer();
  const purple = await profile();
  const e = env(server, purple);
  const id = (await runCli(["ticket", "create", "bob@localhost", "follow me"], {
    env: e,
  })).stdout.trim();
  await using follow = spawnCli([
    "ticket",
    "sync",
    "--follow",
    "--interval",
    "0.1",
    id,
  ], { env: e });
  server.agentReply(id, "first update");
  await follow.waitForOutput("first update");
  server.agentReply(id, "second update", "resolved");
  await follow.waitForOutput(`${id} status resolved`);
  follow.interrupt();
  const result = await follow.exited();
  assert.equal(result.code, 130);
  assert.equal(result.stdout.match(/first update/g)?.length, 1);
  await Deno.remove(purple, { recursive: true });
});
