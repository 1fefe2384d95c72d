import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import {
  parseLoggingPrefs,
  readLoggingPrefs,
} from "../../src/store/logging_prefs.ts";
import { fixture } from "../_support/env.ts";

function prefs(logging: string): string {
  return `<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
	<pref name='purple'>
		<pref name='logging'>${logging}</pref>
	</pref>
</pref>`;
}

Deno.test("readLoggingPrefs() reads the prefs.xml Finch wrote", async () => {
  assert.deepEqual(await readLoggingPrefs(fixture("purple")), {
    logIms: true,
    logChats: true,
    format: "txt",
  });
});

Deno.test("parseLoggingPrefs() reads values as libpurple does", async (t) => {
  await t.step("logging off, html", () => {
    assert.deepEqual(
      parseLoggingPrefs(prefs(`
        <pref name='log_ims' type='bool' value='0'/>
        <pref name='log_chats' type='bool' value='0'/>
        <pref name='format' type='string' value='html'/>`)),
      { logIms: false, logChats: false, format: "html" },
    );
  });
  await t.step("bools through atoi, an unknown logger is txt", () => {
    assert.deepEqual(
      parseLoggingPrefs(prefs(`
        <pref name='log_ims' type='bool' value=' 2'/>
        <pref name='log_chats' type='bool' value='yes'/>
        <pref name='format' type='string' value='xml'/>`)),
      { logIms: true, logChats: false, format: "txt" },
    );
  });
  await t.step("a wrong type or no value sets nothing", () => {
    assert.deepEqual(
      parseLoggingPrefs(prefs(`
        <pref name='log_ims' type='string' value='0'/>
        <pref name='log_chats' type='bool'/>
        <pref name='format' type='bool' value='1'/>`)),
      {},
    );
  });
  await t.step("only /purple/logging counts", () => {
    assert.deepEqual(
      parseLoggingPrefs(`<pref version='1' name='/'><pref name='pidgin'>
        <pref name='logging'><pref name='log_ims' type='bool' value='0'/></pref>
      </pref></pref>`),
      {},
    );
  });
});

Deno.test("readLoggingPrefs() sets nothing without prefs.xml and rejects a malformed one with StoreError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await readLoggingPrefs(dir), {});
    await Deno.writeTextFile(join(dir, "prefs.xml"), "<pref><pref name='x'>");
    await assert.rejects(readLoggingPrefs(dir), StoreError);
    await Deno.remove(join(dir, "prefs.xml"));
    await Deno.mkdir(join(dir, "prefs.xml"));
    await assert.rejects(readLoggingPrefs(dir), /it is a directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
