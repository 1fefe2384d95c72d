import assert from "node:assert/strict";
import { downgradeHash } from "../../src/xmpp/_ssdp.ts";
import { createScramClient } from "../../src/xmpp/scram.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("createScramClient() follows the RFC 7677 SCRAM-SHA-256 example", async () => {
  const scram = createScramClient("SCRAM-SHA-256", {
    username: "user",
    password: "pencil",
    nonce: "rOprNGfwEbeRWgbNEkqO",
  });
  assert.equal(text(await scram.first()), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const final = await scram.final(
    bytes(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    ),
  );
  assert.equal(
    text(final),
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  await scram.verify(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
});

Deno.test("createScramClient() follows the RFC 5802 SCRAM-SHA-1 example", async () => {
  const scram = createScramClient("SCRAM-SHA-1", {
    username: "user",
    password: "pencil",
    nonce: "fyko+d2lbbFgONRv9qkxdawL",
  });
  await scram.first();
  const final = await scram.final(
    bytes(
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    ),
  );
  assert.equal(
    text(final),
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
  );
  await scram.verify(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
});

Deno.test("createScramClient() rejects a server signature that does not match", async () => {
  const scram = createScramClient("SCRAM-SHA-1", {
    username: "user",
    password: "pencil",
    nonce: "fyko+d2lbbFgONRv9qkxdawL",
  });
  await scram.first();
  await scram.final(
    bytes(
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    ),
  );
  await assert.rejects(
    scram.verify(bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
    SyntaxError,
  );
});

Deno.test("createScramClient() escapes = and , in user names", async () => {
  const scram = createScramClient("SCRAM-SHA-256", {
    username: "a=b,c",
    password: "x",
    nonce: "n",
  });
  assert.equal(text(await scram.first()), "n,,n=a=3Db=2Cc,r=n");
});

Deno.test("createScramClient() refuses fewer than 4096 iterations (RFC 7677)", async () => {
  const scram = createScramClient("SCRAM-SHA-256", {
    username: "user",
    password: "pencil",
    nonce: "abc",
  });
  await scram.first();
  await assert.rejects(
    scram.final(bytes("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095")),
    /fewer than the 4096 RFC 7677 requires/,
  );
});

Deno.test("createScramClient() turns a server message that is not UTF-8 into a SyntaxError", async () => {
  const scram = createScramClient("SCRAM-SHA-1", {
    username: "user",
    password: "pencil",
  });
  await scram.first();
  await assert.rejects(scram.final(new Uint8Array([0xff, 0xfe])), SyntaxError);
});

Deno.test("downgradeHash() gives the value of XEP-0474's example", async () => {
  assert.equal(
    await downgradeHash("SHA-1", {
      mechanisms: ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"],
      channelBindings: ["tls-server-end-point", "tls-exporter"],
    }, "h"),
    "G6k/rBLDqgOhRRaCuuatSDFkJ08=",
  );
});

Deno.test("createScramClient() turns a character SASLprep prohibits into a SyntaxError", async () => {
  const scram = createScramClient("SCRAM-SHA-256", {
    username: "alice\u0007",
    password: "pw",
  });
  await assert.rejects(scram.first(), SyntaxError);
});
