import assert from "node:assert/strict";
import { join } from "node:path";
import {
  conversationLogDir,
  escapeFilename,
  folderName,
  resolvePurpleDir,
} from "../../src/store/paths.ts";

Deno.test("escapeFilename() matches libpurple's purple_escape_filename", () => {
  assert.equal(escapeFilename("bob@localhost"), "bob@localhost");
  assert.equal(
    escapeFilename("testroom@conference.localhost/BobNick"),
    "testroom@conference.localhost%2fBobNick",
  );
  assert.equal(escapeFilename("jürgen@example.com"), "j%c3%bcrgen@example.com");
  assert.equal(escapeFilename("a b#c_d-e"), "a%20b#c_d-e");
});

Deno.test("conversationLogDir() keeps hostile names inside the logs directory", async (t) => {
  const profile = "/home/u/.purple";
  for (
    const name of [
      "..",
      ".",
      "../../etc",
      "../../../../tmp/evil",
      "a/../../b",
      "/etc/passwd",
      "\u0000",
      "",
    ]
  ) {
    await t.step(JSON.stringify(name), () => {
      const dir = conversationLogDir(profile, "alice@localhost", name);
      assert.ok(
        dir.startsWith(
          join(profile, "logs", "jabber", "alice@localhost") + "/",
        ),
        dir,
      );
      assert.ok(!dir.slice(profile.length).split("/").includes(".."), dir);
    });
  }
});

Deno.test("resolvePurpleDir() prefers the flag, then PURPLE_HOME, then ~/.purple", () => {
  assert.equal(
    resolvePurpleDir({ flag: "/a", purpleHome: "/b", home: "/h" }),
    "/a",
  );
  assert.equal(resolvePurpleDir({ purpleHome: "/b", home: "/h" }), "/b");
  assert.equal(resolvePurpleDir({ home: "/h" }), "/h/.purple");
});

Deno.test("folderName() shortens names too long for a file name, deterministically and without collisions", () => {
  const ascii = `${"a".repeat(300)}@localhost`;
  const cjk = `${"日".repeat(30)}@localhost`; // 270 bytes once escaped
  for (const name of [ascii, cjk]) {
    const folder = folderName(name);
    assert.ok(folder.length <= 255, `${folder.length}`);
    assert.equal(folderName(name), folder);
    assert.match(folder, /^[A-Za-z0-9@\-_.#%]+~[0-9a-f]{32}$/);
    assert.ok(escapeFilename(name).startsWith(folder.split("~")[0]!));
  }
  // Same prefix, different names: different folders.
  assert.notEqual(folderName(`${ascii}x`), folderName(`${ascii}y`));
  // A prefix never ends inside a %xx escape.
  assert.doesNotMatch(folderName(cjk).split("~")[0]!, /%.?$/);
  // Names that fit are escaped as libpurple does.
  assert.equal(folderName("bob@localhost"), "bob@localhost");
  assert.equal(folderName("a".repeat(255)), "a".repeat(255));
});
