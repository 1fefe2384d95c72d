import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { orderSrv, resolveCandidates } from "../../src/xmpp/_resolve.ts";

Deno.test("orderSrv() orders by priority, then weight, direct TLS first, and drops '.' targets", () => {
  assert.deepEqual(
    orderSrv([
      {
        priority: 10,
        weight: 0,
        port: 5222,
        target: "b.example.com.",
        directTls: false,
      },
      {
        priority: 5,
        weight: 0,
        port: 5222,
        target: "a.example.com.",
        directTls: false,
      },
      {
        priority: 5,
        weight: 0,
        port: 5223,
        target: "a.example.com.",
        directTls: true,
      },
      { priority: 1, weight: 0, port: 0, target: ".", directTls: true },
      {
        priority: 10,
        weight: 50,
        port: 5222,
        target: "c.example.com.",
        directTls: false,
      },
    ]),
    [
      "xmpps://a.example.com:5223",
      "xmpp://a.example.com:5222",
      "xmpp://c.example.com:5222",
      "xmpp://b.example.com:5222",
    ],
  );
});

Deno.test("resolveCandidates() uses the configured server without DNS", async (t) => {
  await t.step("host and port: STARTTLS", async () => {
    assert.deepEqual(
      await resolveCandidates({
        domain: "example.com",
        server: "10.0.0.1",
        port: 5333,
      }),
      [
        "xmpp://10.0.0.1:5333",
      ],
    );
  });
  await t.step("port 5223: direct TLS", async () => {
    assert.deepEqual(
      await resolveCandidates({
        domain: "example.com",
        server: "xmpp.example.com",
        port: 5223,
      }),
      [
        "xmpps://xmpp.example.com:5223",
      ],
    );
  });
  await t.step("xmpps:// URI", async () => {
    assert.deepEqual(
      await resolveCandidates({
        domain: "example.com",
        server: "xmpps://xmpp.example.com:443",
      }),
      [
        "xmpps://xmpp.example.com:443",
      ],
    );
  });
  await t.step("IPv6 address", async () => {
    assert.deepEqual(
      await resolveCandidates({ domain: "example.com", server: "::1" }),
      ["xmpp://[::1]:5222"],
    );
  });
});

Deno.test("resolveCandidates() refuses a malformed server with ConfigError", async (t) => {
  for (
    const server of [
      "http://x",
      "xmpp://",
      "xmpps://[::1",
      "a b",
      "xmpp://host/path",
      "xmpp://user@host",
    ]
  ) {
    await t.step(server, async () => {
      await assert.rejects(
        resolveCandidates({ domain: "example.com", server }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message.startsWith(`Invalid server "${server}"`),
      );
    });
  }
  await t.step("still takes hosts, addresses and xmpp(s) URIs", async () => {
    for (
      const server of [
        "chat.example.com",
        "127.0.0.1",
        "::1",
        "[::1]",
        "xmpps://[::1]:5223",
        "xmpp://chat.example.com",
      ]
    ) {
      assert.equal(
        (await resolveCandidates({ domain: "example.com", server })).length,
        1,
      );
    }
  });
});
