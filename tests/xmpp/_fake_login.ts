/**
 * The server side of a login, for scripts of the fake server: stream
 * headers, features, SASL PLAIN or SCRAM (with a real SCRAM server
 * computation, so the client's checks of the server pass), resource binding;
 * and sessions against plain or TLS fake servers.
 */
import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { createSession } from "../../src/xmpp/mod.ts";
import {
  type FakePeer,
  type FakeServer,
  SERVER_HEADER,
  startFakeServer,
} from "../_support/fake_server.ts";
import { makeTestCertificates } from "../_support/test_ca.ts";

export const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const b64 = (s: string) => encoder.encode(s).toBase64();
const unb64 = (s: string) => decoder.decode(Uint8Array.fromBase64(s));

/** `<mechanisms/>` listing `names` in the order given. */
export function mechanisms(names: string[]): string {
  return `<mechanisms xmlns='${NS_SASL}'>${
    names.map((m) => `<mechanism>${m}</mechanism>`).join("")
  }</mechanisms>`;
}

/** Waits for the client's stream header and answers with ours and `features`. */
export async function openStream(peer: FakePeer, features: string) {
  await peer.expect(/<stream:stream[^>]*>/);
  await peer.send(
    `${SERVER_HEADER}<stream:features>${features}</stream:features>`,
  );
}

async function hmac(hash: string, key: Uint8Array, data: string) {
  const k = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash },
    false,
    ["sign"],
  );
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", k, encoder.encode(data)),
  );
}

/** How the fake server runs SCRAM. */
export interface ScramOptions {
  password: string;
  iterations?: number;
  /** Appended to the server-first-message, e.g. `,h=…` (XEP-0474). */
  extra?: string;
}

/**
 * Serves one SASL exchange after `<auth/>` (already expected by the caller,
 * whose text is `auth`); resolves `true` when the client proved the password.
 */
export async function serveScram(
  peer: FakePeer,
  auth: string,
  options: ScramOptions,
): Promise<boolean> {
  const mechanism = /mechanism=["']([^"']+)["']/.exec(auth)![1]!;
  const hash = mechanism === "SCRAM-SHA-1" ? "SHA-1" : "SHA-256";
  const bits = hash === "SHA-1" ? 160 : 256;
  const clientFirst = unb64(/>([^<]*)<\/auth>/.exec(auth)![1]!);
  const clientFirstBare = clientFirst.replace(/^n,,/, "");
  const nonce = /r=([^,]+)/.exec(clientFirstBare)![1]!;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iterations = options.iterations ?? 4096;
  const serverFirst = `r=${nonce}server,s=${salt.toBase64()},i=${iterations}${
    options.extra ?? ""
  }`;
  await peer.send(
    `<challenge xmlns='${NS_SASL}'>${b64(serverFirst)}</challenge>`,
  );
  // The client may refuse the challenge and close.
  const response = await peer.expect(/<\/response>/).catch(() => "");
  const body = />([^<]*)<\/response>/.exec(response)?.[1];
  if (!body) return false;
  const clientFinal = unb64(body);
  const withoutProof = clientFinal.replace(/,p=[^,]*$/, "");
  const proof = Uint8Array.fromBase64(/,p=([^,]*)$/.exec(clientFinal)![1]!);
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(options.password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const salted = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash, salt, iterations },
      key,
      bits,
    ),
  );
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientKey = await hmac(hash, salted, "Client Key");
  const storedKey = new Uint8Array(await crypto.subtle.digest(hash, clientKey));
  const signature = await hmac(hash, storedKey, authMessage);
  const expected = clientKey.map((b, i) => b ^ signature[i]!);
  if (expected.toBase64() !== proof.toBase64()) {
    await peer.send(`<failure xmlns='${NS_SASL}'><not-authorized/></failure>`);
    return false;
  }
  const serverKey = await hmac(hash, salted, "Server Key");
  const verifier = (await hmac(hash, serverKey, authMessage)).toBase64();
  await peer.send(
    `<success xmlns='${NS_SASL}'>${b64(`v=${verifier}`)}</success>`,
  );
  return true;
}

/** Answers the client's bind request with `jid`. */
export async function serveBind(peer: FakePeer, jid: string) {
  const iq = await peer.expect(/<\/iq>/);
  const id = /id=["']([^"']+)["']/.exec(iq)![1]!;
  await peer.send(
    `<iq type='result' id='${id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>${jid}</jid></bind></iq>`,
  );
}

/** After login: answers pings and the closing of the stream, until the client leaves. */
export async function serveOnline(peer: FakePeer) {
  for (;;) {
    const seen = await peer.expect(
      /<\/iq>|<iq[^>]*\/>|<\/stream:stream>/,
      30_000,
    )
      .catch(() => "</stream:stream>");
    if (seen.endsWith("</stream:stream>")) {
      await peer.send("</stream:stream>");
      return;
    }
    const id = /id=['"]([^'"]+)['"]/.exec(seen.slice(seen.lastIndexOf("<iq")))
      ?.[1];
    await peer.send(`<iq type='result' id='${id}'/>`);
  }
}

/**
 * A whole login: `features` before SASL, SCRAM (or PLAIN) with `options`,
 * then `after` features with bind, binding `alice@localhost/fake`. Resolves
 * what the client sent in `<auth/>`, or `undefined` when it sent none.
 */
export async function serveLogin(
  peer: FakePeer,
  options: ScramOptions & { offer: string[]; before?: string; after?: string },
): Promise<string | undefined> {
  await openStream(peer, mechanisms(options.offer) + (options.before ?? ""));
  const auth = await peer.expect(/<\/auth>/).catch(() => undefined);
  if (!auth) return undefined;
  if (/mechanism=["']PLAIN["']/.test(auth)) {
    await peer.send(`<success xmlns='${NS_SASL}'/>`);
  } else if (!await serveScram(peer, auth, options)) return auth;
  await openStream(
    peer,
    "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>" + (options.after ?? ""),
  );
  await serveBind(peer, "alice@localhost/fake");
  return auth;
}

/** A direct-TLS fake server with a fresh test CA; `await using` removes it all. */
export interface TlsFake extends AsyncDisposable {
  server: FakeServer;
  /** PEM of the CA that signed the server's `localhost` certificate. */
  ca: string;
  /** Session options that reach this server. */
  service: { server: string; extraCa: string };
}

/** Starts a direct-TLS fake server running `run` for each connection. */
export async function startTlsFake(
  run: (peer: FakePeer) => Promise<void>,
): Promise<TlsFake> {
  const dir = await Deno.makeTempDir({ prefix: "pidgin-fake-tls-" });
  const files = await makeTestCertificates(dir);
  const [ca, cert, key] = await Promise.all(
    [files.caFile, files.certFile, files.keyFile].map((f) =>
      Deno.readTextFile(f)
    ),
  );
  const server = startFakeServer({ tls: { cert: cert!, key: key! }, run });
  return {
    server,
    ca: ca!,
    service: { server: `xmpps://127.0.0.1:${server.port}`, extraCa: ca! },
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Starts a session against a plain fake server running `run`; returns how start() failed. */
export async function failedStart(run: (peer: FakePeer) => Promise<void>) {
  await using fake = startFakeServer({ run });
  await using session = createSession({
    jid: "alice@localhost",
    password: "alice-secret-pw",
    server: "127.0.0.1",
    port: fake.port,
    timeoutMs: 10_000,
  });
  const started = performance.now();
  const err = await session.start().then(
    () => assert.fail("start() succeeded"),
    (err: unknown) => err,
  );
  const ms = performance.now() - started;
  await session.stop();
  await fake.scripts().catch(() => {});
  return { err: err as Error, ms, received: fake.received() };
}

/** `err` is a `ConnectionError` whose message matches and is one line. */
export function assertOneLine(err: Error, pattern: RegExp) {
  assert.ok(err instanceof ConnectionError, `${err.name}: ${err.message}`);
  assert.match(err.message, pattern);
  assert.ok(
    !["\n", "\r", "\x1b"].some((c) => err.message.includes(c)),
    err.message,
  );
}
