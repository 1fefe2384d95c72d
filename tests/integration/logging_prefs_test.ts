import assert from "node:assert/strict";
import { join } from "node:path";
import { aliceEnv, onlinePeer } from "../_support/accounts.ts";
import { startProsody } from "../_support/prosody.ts";
import { runCli } from "../_support/run_cli.ts";

function prefs(logIms: boolean, format: "txt" | "html"): string {
  return `<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'><pref name='purple'><pref name='logging'>
<pref name='log_ims' type='bool' value='${logIms ? 1 : 0}'/>
<pref name='log_chats' type='bool' value='1'/>
<pref name='format' type='string' value='${format}'/>
</pref></pref></pref>
`;
}

async function logFiles(purple: string): Promise<string[]> {
  const dir = join(
    purple,
    "logs",
    "jabber",
    "alice@localhost",
    "bob@localhost",
  );
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names;
}

Deno.test("Pidgin's prefs.xml decides logging unless a flag or variable says otherwise", async (t) => {
  await using prosody = await startProsody();
  await using _bob = await onlinePeer(prosody);
  const fresh = async (logIms: boolean, format: "txt" | "html") => {
    const purple = await Deno.makeTempDir({ dir: prosody.dir });
    await Deno.writeTextFile(join(purple, "prefs.xml"), prefs(logIms, format));
    return purple;
  };
  await t.step("log_ims off: nothing is logged", async () => {
    const purple = await fresh(false, "txt");
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: aliceEnv(prosody, purple),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await logFiles(purple), []);
  });
  await t.step("PIDGIN_LOG=on logs anyway", async () => {
    const purple = await fresh(false, "txt");
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: aliceEnv(prosody, purple, { PIDGIN_LOG: "on" }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await logFiles(purple)).length, 1);
  });
  await t.step("format html: an html log", async () => {
    const purple = await fresh(true, "html");
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: aliceEnv(prosody, purple),
    });
    assert.equal(result.code, 0, result.stderr);
    const [file] = await logFiles(purple);
    assert.match(file!, /\.html$/);
  });
  await t.step("pidgin's xmpp_settings.json wins over prefs.xml", async () => {
    const purple = await fresh(true, "txt");
    await Deno.writeTextFile(
      join(purple, "xmpp_settings.json"),
      '{ "logFormat": "html" }\n',
    );
    const result = await runCli(["send", "bob@localhost", "hi"], {
      env: aliceEnv(prosody, purple),
    });
    assert.equal(result.code, 0, result.stderr);
    const [file] = await logFiles(purple);
    assert.match(file!, /\.html$/);
  });
  await t.step(
    "a malformed xmpp_settings.json is exit 3, naming it",
    async () => {
      const purple = await fresh(true, "txt");
      await Deno.writeTextFile(
        join(purple, "xmpp_settings.json"),
        '{ "logFormat": "pdf" }\n',
      );
      const result = await runCli(["send", "bob@localhost", "hi"], {
        env: aliceEnv(prosody, purple),
      });
      assert.equal(result.code, 3, result.stderr);
      assert.match(
        result.stderr,
        /^pidgin: Invalid setting in ".*xmpp_settings\.json": logFormat: /,
      );
    },
  );
  await t.step("--log-format txt wins over prefs.xml", async () => {
    const purple = await fresh(true, "html");
    const result = await runCli(
      ["--log-format", "txt", "send", "bob@localhost", "hi"],
      { env: aliceEnv(prosody, purple) },
    );
    assert.equal(result.code, 0, result.stderr);
    const [file] = await logFiles(purple);
    assert.match(file!, /\.txt$/);
  });
});
