/**
 * A raw XMPP client for tests that need to send what pidgin never sends
 * (a roster push from a resource): direct TLS to the test Prosody, SASL
 * PLAIN, resource binding, then text in and out.
 */
import type { Prosody, TestAccount } from "../_support/prosody.ts";

/** A logged-in raw connection; `await using` closes it. */
export interface RawClient extends AsyncDisposable {
  /** The full JID bound. */
  jid: string;
  send(xml: string): Promise<void>;
  /** Resolves with what arrived up to the first match of `pattern`. */
  expect(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Logs `account` in to `prosody` with `resource`. */
export async function connectRaw(
  prosody: Prosody,
  account: TestAccount,
  resource: string,
): Promise<RawClient> {
  const tcp = await Deno.connect({
    hostname: "127.0.0.1",
    port: prosody.tlsPort,
  });
  const conn = await Deno.startTls(tcp, {
    hostname: "localhost",
    caCerts: [await Deno.readTextFile(prosody.caFile)],
  });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let buffer = "";
  let waiting: (() => void) | undefined;
  let ended = false;
  const reading = (async () => {
    const chunk = new Uint8Array(16 * 1024);
    try {
      let n: number | null;
      while ((n = await conn.read(chunk)) !== null) {
        buffer += decoder.decode(chunk.subarray(0, n), { stream: true });
        waiting?.();
      }
    } catch { /* closed */ }
    ended = true;
    waiting?.();
  })();
  const send = async (text: string) => {
    const bytes = encoder.encode(text);
    for (let off = 0; off < bytes.length;) {
      off += await conn.write(bytes.subarray(off));
    }
  };
  const expect = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting = undefined;
        reject(new Error(`No ${pattern} from the server: ${buffer}`));
      }, timeoutMs);
      const check = () => {
        const match = pattern.exec(buffer);
        if (match || ended) {
          clearTimeout(timer);
          waiting = undefined;
          if (!match) return reject(new Error(`Closed before ${pattern}`));
          const end = match.index + match[0].length;
          const seen = buffer.slice(0, end);
          buffer = buffer.slice(end);
          resolve(seen);
        }
      };
      waiting = check;
      check();
    });
  const header =
    `<?xml version='1.0'?><stream:stream to='localhost' version='1.0' ` +
    `xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;
  const [user] = account.jid.split("@");
  await send(header);
  await expect(/<\/stream:features>/);
  const plain = encoder.encode(`\0${user}\0${account.password}`).toBase64();
  await send(
    `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`,
  );
  await expect(/<success[^>]*\/>|<\/success>/);
  await send(header);
  await expect(/<\/stream:features>/);
  await send(
    `<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`,
  );
  const bound = await expect(/<\/iq>/);
  const jid = /<jid>([^<]+)<\/jid>/.exec(bound)![1]!;
  return {
    jid,
    send,
    expect,
    async [Symbol.asyncDispose]() {
      try {
        await send("</stream:stream>");
      } catch { /* closed */ }
      try {
        conn.close();
      } catch { /* closed */ }
      await reading;
    },
  };
}
