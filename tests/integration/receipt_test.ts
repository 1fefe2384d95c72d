import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aliceEnv,
  onlinePeer,
  readConversationLogs,
} from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("send --wait-receipt exits 0 once the contact's client confirmed it, 7 when none confirms in time", async () => {
  await using prosody = await startProsody();
  const purple = join(prosody.dir, "purple");
  const env = aliceEnv(prosody, purple);
  {
    // bob's client answers receipt requests once it handled the message.
    await using _bob = await onlinePeer(prosody);
    const confirmed = await runCli(
      ["send", "--wait-receipt", "bob@localhost", "did you get this?"],
      { env },
    );
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal(confirmed.stderr, "");
  }
  // bob offline: the server stores it, and no receipt comes in time.
  const unconfirmed = await runCli(
    ["send", "--wait-receipt", "--timeout", "1", "bob@localhost", "and this?"],
    { env },
  );
  assert.equal(unconfirmed.code, 7, unconfirmed.stderr);
  assert.equal(
    unconfirmed.stderr,
    'pidgin: The message to "bob@localhost" is not confirmed: the server took it, but the contact\'s client did not confirm receiving it within 1 s; it may still arrive\nhint: Their client may be offline or not send receipts; do not send it again blindly\n',
  );
  // Both were logged as sent, once.
  const logs = (await readConversationLogs(purple, "bob@localhost"))
    .map((f) => f.text).join("");
  assert.equal(logs.match(/: did you get this\?\n/g)?.length, 1);
  assert.equal(logs.match(/: and this\?\n/g)?.length, 1);
});
