import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, requireSetting } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";

async function withDotenv(text: string, fn: (file: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, ".env");
    await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfig() takes flags over the environment over .env", async () => {
  await withDotenv(
    "XMPP_JID=dot@example.com\nXMPP_SERVER=dot.example.com\nXMPP_PORT=5333\n",
    async (dotenvFile) => {
      const env = (name: string) =>
        ({ XMPP_SERVER: "env.example.com" } as Record<string, string>)[name];
      const config = await loadConfig({ port: "5444" }, { env, dotenvFile });
      assert.equal(config.XMPP_JID, "dot@example.com");
      assert.equal(config.XMPP_SERVER, "env.example.com");
      assert.equal(config.XMPP_PORT, 5444);
    },
  );
});

Deno.test("loadConfig() names the variable that is malformed", async () => {
  await withDotenv("XMPP_PORT=not-a-port\n", async (dotenvFile) => {
    await assert.rejects(
      loadConfig({}, { env: () => undefined, dotenvFile }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(
          err.message,
          "Invalid XMPP_PORT: expected a port number from 1 to 65535",
        );
        return true;
      },
    );
  });
});

Deno.test("requireSetting() names the missing variable", async () => {
  const config = await loadConfig({}, {
    env: () => undefined,
    dotenvFile: "/nonexistent/.env",
  });
  assert.throws(
    () => requireSetting(config, "XMPP_PASSWORD"),
    /Missing XMPP_PASSWORD/,
  );
});
