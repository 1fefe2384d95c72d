import assert from "node:assert/strict";
import { join } from "node:path";
import {
  conversationLogDir,
  escapeFilename,
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
