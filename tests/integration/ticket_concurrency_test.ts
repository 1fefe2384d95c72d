import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startContractServer,
  ticketEnv,
  ticketProfile,
} from "../_support/contract_server.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("8 concurrent ticket create runs leave 8 entries in tickets.json", async () => {
  await using server = startContractServer();
  const purple = await ticketProfile();
  const env = ticketEnv(server, purple, { API_TIMEOUT: "10" });
  const runs = await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) =>
        runCli(["ticket", "create", "bob@localhost", `problem ${i}`], { env }),
    ),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const ids = runs.map((r) => r.stdout.trim()).sort();
  assert.equal(server.tickets().length, 8);
  const index = JSON.parse(
    await Deno.readTextFile(
      join(purple, "pidgin", "alice@localhost", "tickets.json"),
    ),
  );
  assert.deepEqual(Object.keys(index.tickets).sort(), ids);
  await Deno.remove(purple, { recursive: true });
});
