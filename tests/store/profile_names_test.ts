import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import { readProfileNames } from "../../src/store/profile_names.ts";
import { fixture } from "../_support/env.ts";

Deno.test("readProfileNames() reads the account alias and buddy aliases Pidgin wrote", async () => {
  const names = await readProfileNames(fixture("purple"), "Alice@localhost");
  assert.equal(names.accountAlias, "Alice A");
  assert.equal(names.buddyAliases.get("bob@localhost"), "Bobby <B&B> Ü");
  assert.equal(names.buddyAliases.has("carol@localhost"), false);
});

Deno.test("readProfileNames() treats a missing profile as one without aliases", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const names = await readProfileNames(dir, "alice@localhost");
    assert.equal(names.accountAlias, undefined);
    assert.equal(names.buddyAliases.size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readProfileNames() rejects a malformed blist.xml with StoreError and leaves it untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "blist.xml"), "<purple><blist>");
    await assert.rejects(readProfileNames(dir, "alice@localhost"), StoreError);
    assert.equal(
      await Deno.readTextFile(join(dir, "blist.xml")),
      "<purple><blist>",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
