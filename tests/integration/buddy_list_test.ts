import assert from "node:assert/strict";
import { join } from "node:path";
import { onlinePeer } from "../_support/accounts.ts";
import { fixture } from "../_support/env.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

Deno.test("blist.xml follows the server's roster of a profile account; roster --offline and roster alias use it", async (t) => {
  await using prosody = await startProsody({
    accounts: [
      { jid: "alice@localhost", password: "alicepass" },
      { jid: "bob@localhost", password: "bob-secret-pw" },
      { jid: "dave@localhost", password: "dave-secret-pw" },
    ],
  });
  const purple = join(prosody.dir, "finch-profile");
  await new Deno.Command("cp", {
    args: ["-a", fixture("purple-finch/purple-home"), purple],
  }).output();
  const blistBefore = await Deno.readTextFile(join(purple, "blist.xml"));
  {
    // The server's roster: bob (as in the fixture) and a new contact, dave.
    await using alice = await onlinePeer(
      prosody,
      "alice@localhost",
      "alicepass",
      "setup",
    );
    await alice.updateContact("bob@localhost", { groups: ["Friends & Co"] });
    await alice.updateContact("dave@localhost", {
      name: "Dave",
      groups: ["Work"],
    });
  }
  const env = {
    PURPLE_HOME: purple,
    XMPP_SERVER: "127.0.0.1",
    XMPP_PORT: String(prosody.port),
    XMPP_CA_FILE: prosody.caFile,
  };
  await t.step(
    "pidgin roster merges the server's roster into blist.xml",
    async () => {
      const result = await runCli(["roster"], { env });
      assert.equal(result.code, 0, result.stderr);
      const blist = await Deno.readTextFile(join(purple, "blist.xml"));
      assert.match(blist, /<group name='Work'>/);
      assert.match(
        blist,
        /<name>dave@localhost<\/name>\n\t+<alias>Dave<\/alias>/,
      );
      // carol is not on the server any more; the room and bob's local alias stay.
      assert.ok(!blist.includes("<name>carol@localhost</name>"), blist);
      assert.match(blist, /<alias>Bobby &lt;B&amp;B&gt; Ü<\/alias>/);
      assert.match(blist, /<component name='room'>testroom<\/component>/);
      assert.equal(
        await Deno.readTextFile(join(purple, "blist.xml.pidgin-bak")),
        blistBefore,
      );
    },
  );
  await t.step("roster --offline reads it without connecting", async () => {
    const result = await runCli(["roster", "--offline", "--json"], {
      env: { ...env, XMPP_PORT: "1" },
    });
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout);
    assert.deepEqual(
      rows.map((
        r: Record<string, unknown>,
      ) => [r.jid, r.displayName, r.subscription]),
      [
        ["bob@localhost", "Bobby <B&B> Ü", "none"],
        ["dave@localhost", "Dave", "none"],
      ],
    );
  });
  await t.step(
    "roster alias sets the server's name and the buddy alias",
    async () => {
      const result = await runCli([
        "roster",
        "alias",
        "dave@localhost",
        "David",
        "D.",
      ], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "dave@localhost is now called David D.\n");
      const blist = await Deno.readTextFile(join(purple, "blist.xml"));
      assert.match(
        blist,
        /<name>dave@localhost<\/name>\n\t+<alias>David D\.<\/alias>/,
      );
      await using _bob = await onlinePeer(prosody);
      const listed = await runCli([], { env, stdin: "/list\n" });
      assert.match(listed.stdout, /David D\. <dave@localhost>/);
    },
  );
});
