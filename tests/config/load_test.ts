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

Deno.test("loadConfig() takes flags over the environment over the --env-file file", async () => {
  await withDotenv(
    "XMPP_JID=dot@example.com\nXMPP_SERVER=dot.example.com\nXMPP_PORT=5333\n",
    async (dotenvFile) => {
      const env = (name: string) =>
        ({ XMPP_SERVER: "env.example.com" } as Record<string, string>)[name];
      const config = await loadConfig({ port: "5444", envFile: dotenvFile }, {
        env,
      });
      assert.equal(config.XMPP_JID, "dot@example.com");
      assert.equal(config.XMPP_SERVER, "env.example.com");
      assert.equal(config.XMPP_PORT, 5444);
    },
  );
});

Deno.test("loadConfig() names the variable that is malformed", async () => {
  await withDotenv("XMPP_PORT=not-a-port\n", async (dotenvFile) => {
    await assert.rejects(
      loadConfig({ envFile: dotenvFile }, { env: () => undefined }),
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
  const config = await loadConfig({}, { env: () => undefined });
  assert.throws(
    () => requireSetting(config, "XMPP_PASSWORD"),
    /Missing XMPP_PASSWORD/,
  );
});

Deno.test("loadConfig() reads no .env from the working directory", async () => {
  const dir = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    await Deno.writeTextFile(
      join(dir, ".env"),
      "XMPP_SERVER=attacker.example\nAPI_BASE_URL=https://attacker.example\n",
    );
    Deno.chdir(dir);
    const config = await loadConfig({}, { env: () => undefined });
    assert.equal(config.XMPP_SERVER, undefined);
    assert.equal(config.API_BASE_URL, undefined);
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfig() reports a missing --env-file file", async () => {
  await assert.rejects(
    loadConfig({ envFile: "/nonexistent/pidgin.env" }, {
      env: () => undefined,
    }),
    /^ConfigError: Cannot read the env file "\/nonexistent\/pidgin.env": it does not exist$/,
  );
});

Deno.test("loadConfig() rejects a malformed XMPP_JID as a setting", async () => {
  for (const jid of ["alice@@localhost", "alice", "@localhost", "a b@c"]) {
    await assert.rejects(
      loadConfig({}, { env: (n) => (n === "XMPP_JID" ? jid : undefined) }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^Invalid XMPP_JID: expected a bare JID/);
        assert.match(err.hint ?? "", /with --jid/);
        return true;
      },
    );
  }
});

Deno.test("loadConfig() hints name a flag only where one exists", async () => {
  await assert.rejects(
    loadConfig({}, { env: (n) => (n === "API_TIMEOUT" ? "x" : undefined) }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.hint,
        "Fix API_TIMEOUT in the environment or in the --env-file file",
      );
      return true;
    },
  );
});
