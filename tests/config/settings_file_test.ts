import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.ts";
import {
  applySettings,
  parseSettings,
} from "../../src/config/settings_file.ts";
import { ConfigError } from "../../src/errors.ts";

Deno.test("parseSettings() reads every documented setting", () => {
  const settings = parseSettings(
    JSON.stringify({
      logFormat: "html",
      logging: "off",
      bell: "off",
      historySize: 50,
      ticketContextLines: 5,
      ticketSyncInterval: 10,
      apiBaseUrl: "https://tickets.example.com",
      apiTimeout: 3,
      passwordCommand: "pass show xmpp/me",
      defaultAccount: "alice@example.com",
      accounts: { "bob@example.com": { passwordCommand: "echo pw" } },
    }),
    "xmpp_settings.json",
  );
  assert.equal(settings.logFormat, "html");
  assert.equal(
    settings.accounts?.["bob@example.com"]?.passwordCommand,
    "echo pw",
  );
});

Deno.test("parseSettings() names the file and the setting that is wrong", async (t) => {
  const cases: [string, RegExp][] = [
    ["{", /^Cannot read "p\/xmpp_settings.json": it is not valid JSON$/],
    [
      '{"logFormatt": "txt"}',
      /^Invalid setting in "p\/xmpp_settings.json": the file: unknown setting "logFormatt"$/,
    ],
    [
      '{"historySize": -1}',
      /^Invalid setting in "p\/xmpp_settings.json": historySize: /,
    ],
    ['{"defaultAccount": "alice"}', /defaultAccount: expected a bare JID$/],
  ];
  for (const [text, pattern] of cases) {
    await t.step(text, () => {
      assert.throws(
        () => parseSettings(text, "p/xmpp_settings.json"),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, pattern);
          return true;
        },
      );
    });
  }
});

Deno.test("applySettings() fills in only what flags and the environment left open", async () => {
  const config = await loadConfig({ logFormat: "txt" }, {
    env: (n) => (n === "PIDGIN_BELL" ? "on" : undefined),
  });
  const merged = applySettings(config, {
    logFormat: "html",
    bell: "off",
    ticketContextLines: 7,
  });
  assert.equal(merged.PIDGIN_LOG_FORMAT, "txt");
  assert.equal(merged.PIDGIN_BELL, "on");
  assert.equal(merged.TICKET_CONTEXT_LINES, 7);
});
