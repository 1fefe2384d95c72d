import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("an account that logged in with SCRAM-SHA-256 refuses a server that offers less", async () => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alice-secret-pw" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
      { jid: "carol@sha1.localhost", password: "carol-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "purple");
  await using _bob = await onlinePeer(prosody);
  const first = await runCli(["send", "bob@localhost", "hi"], {
    env: aliceEnv(prosody, purple),
  });
  assert.equal(first.code, 0, first.stderr);
  const pin = join(purple, "pidgin", "alice@localhost", "sasl.json");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(pin)), {
    mechanism: "SCRAM-SHA-256",
  });

  // carol's host stores only SCRAM-SHA-1 keys: as if a server (or someone on
  // the way) suddenly offered less than this account had used before.
  const carolPin = join(purple, "pidgin", "carol@sha1.localhost", "sasl.json");
  await Deno.mkdir(join(carolPin, ".."), { recursive: true });
  await Deno.writeTextFile(carolPin, '{ "mechanism": "SCRAM-SHA-256" }\n');
  const refused = await runCli(["send", "bob@localhost", "hi"], {
    env: aliceEnv(prosody, purple, {
      XMPP_JID: "carol@sha1.localhost",
      XMPP_PASSWORD: "carol-secret-pw",
    }),
  });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /refusing a downgrade to SCRAM-SHA-1/);
  assert.match(
    refused.stderr,
    /hint: If the server really dropped it, delete ".*sasl\.json"/,
  );
  assert.ok(!refused.stderr.includes("carol-secret-pw"));
});
