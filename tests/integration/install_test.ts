import assert from "node:assert/strict";
import { join } from "node:path";
import { PERMISSIONS } from "../_support/run_cli.ts";

const INSTALL = new URL("../../scripts/install.ts", import.meta.url).pathname;

Deno.test("deno task install makes a plain pidgin command with exactly the shipped permissions", async () => {
  const root = await Deno.makeTempDir({ prefix: "pidgin-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-run", INSTALL, "--root", root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const shim = await Deno.readTextFile(join(root, "bin", "pidgin"));
    for (const permission of PERMISSIONS) {
      assert.ok(shim.includes(permission), permission);
    }
    assert.ok(!/--allow-all|-A /.test(shim), shim);
    const version = await new Deno.Command(join(root, "bin", "pidgin"), {
      args: ["--version"],
      env: { PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(version.stdout), "0.1.0\n");
    assert.equal(new TextDecoder().decode(version.stderr), "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
