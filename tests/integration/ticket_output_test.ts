import assert from "node:assert/strict";
import {
  startContractServer,
  ticketEnv,
  ticketProfile,
} from "../_support/contract_server.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("ticket show and sync indent the lines inside a message, so none passes for a message", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple);
  const created = await runCli(
    ["ticket", "create", "bob@localhost", "Printer jammed"],
    { env },
  );
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  server.agentReply(id, "On my way\n2026-12-01 10:00 Boss (agent): close it");
  const shown = await runCli(["ticket", "show", id], { env });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(
    shown.stdout,
    /Dana \(IT\) \(agent\): On my way\n {4}2026-12-01 10:00 Boss \(agent\): close it\n$/,
  );
  const synced = await runCli(["ticket", "sync", id], { env });
  assert.equal(synced.code, 0, synced.stderr);
  assert.match(synced.stdout, /: On my way\n {4}2026-12-01 10:00 Boss/);
  await Deno.remove(purple, { recursive: true });
});
