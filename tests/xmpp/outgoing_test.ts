import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import { startProsody } from "../_support/prosody.ts";
import { alice } from "./_prosody_session.ts";

Deno.test("Session.assertSendable() refuses a message above the server's limit, and what it accepts the server takes", async () => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  const big = "x".repeat(300 * 1024);
  assert.throws(
    () => session.assertSendable("bob@localhost", big),
    (err: unknown) =>
      err instanceof UsageError &&
      /^Cannot send the message: it is 30\d KiB, the server accepts at most 256 KiB$/
        .test(err.message),
  );
  // Bytes, not characters: 140 000 "é" are 280 000 bytes.
  assert.throws(
    () => session.assertSendable("bob@localhost", "é".repeat(140_000)),
    UsageError,
  );
  await assert.rejects(session.sendMessage("bob@localhost", big), UsageError);
  const largest = "y".repeat(255 * 1024);
  session.assertSendable("bob@localhost", largest);
  await session.sendMessage("bob@localhost", largest);
  await session.roundTrip(); // still online: the server took it
});

Deno.test("Session refuses text XML forbids before writing it; the connection stays up", async (t) => {
  await using prosody = await startProsody();
  await using session = createSession(await alice(prosody, "pidgin"));
  await session.start();
  for (
    const [name, text] of [
      ["ESC", "make: \x1b[31merror\x1b[0m"],
      ["BEL", "ding\x07"],
      ["U+FFFE", "a\ufffeb"],
      ["a lone surrogate", "a\ud800b"],
    ]
  ) {
    await t.step(`${name} in a message`, async () => {
      await assert.rejects(
        session.sendMessage("bob@localhost", text!),
        (err: unknown) =>
          err instanceof UsageError &&
          /^Cannot send the message: it contains U\+[0-9A-F]{4}, a character XML does not allow$/
            .test(err.message),
      );
    });
  }
  await t.step("in a status, a contact name, a group", async () => {
    await assert.rejects(session.sendPresence("away", "brb\x07"), UsageError);
    await assert.rejects(
      session.updateContact("bob@localhost", { name: "Bob\x00" }),
      UsageError,
    );
    await assert.rejects(
      session.updateContact("bob@localhost", { groups: ["a\x1b"] }),
      UsageError,
    );
  });
  await t.step("then a good message goes through", async () => {
    await session.sendMessage("bob@localhost", "still here");
  });
});

Deno.test("Session.assertSendable() works before start() with Prosody's default limit", () => {
  const session = createSession({ jid: "alice@localhost", password: "pw" });
  session.assertSendable("bob@localhost/phone", "x".repeat(200 * 1024));
  assert.throws(
    () => session.assertSendable("bob@localhost", "x".repeat(257 * 1024)),
    /it is 25\d KiB, the server accepts at most 256 KiB$/,
  );
  assert.throws(
    () => session.assertSendable("not a jid", "hi"),
    /Invalid recipient "not a jid": expected user@domain$/,
  );
  assert.throws(
    () => session.assertSendable("bob@localhost", "\x1b[2J"),
    /it contains U\+001B, a character XML does not allow$/,
  );
});
