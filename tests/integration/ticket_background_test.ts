import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv } from "../_support/accounts.ts";
import { startContractServer } from "../_support/contract_server.ts";
import { startProsody } from "../_support/prosody.ts";
import { spawnCli } from "../_support/run_cli.ts";

Deno.test("a status message longer than the contract allows still reaches the ticket backend, cut to 1000 characters", async () => {
  await using prosody = await startProsody();
  await using server = startContractServer();
  const env = aliceEnv(prosody, join(prosody.dir, "purple"), {
    API_BASE_URL: server.url,
    API_TOKEN: server.token,
  });
  await using pidgin = spawnCli([], { env });
  const reported = server.nextRequest("/presence");
  await pidgin.writeLine(`/status away ${"w".repeat(1500)}`);
  await pidgin.waitForOutput("You are away");
  await reported;
  await pidgin.writeLine("/quit");
  const result = await pidgin.finish();
  assert.equal(result.code, 0, result.stderr);
  const away = server.presence().find((p) => p.show === "away");
  assert.ok(away, JSON.stringify(server.presence().map((p) => p.show)));
  assert.equal(away.status?.length, 1000);
  assert.match(away.status!, /… \[cut: \d+ more characters\]$/);
});
