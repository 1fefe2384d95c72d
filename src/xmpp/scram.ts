/**
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) on WebCrypto.
 *
 * Replaces xmpp.js's SCRAM: its PBKDF2 runs as thousands of awaited HMAC
 * calls (about 0.7 s for 4096 iterations under Deno) where one native
 * PBKDF2 call takes a few milliseconds, it has no SCRAM-SHA-256, it mangles
 * non-ASCII names and passwords (it base64-encodes with `btoa`) and it never
 * checks the server's signature. Strings are prepared with SASLprep.
 */

/** The SCRAM mechanisms we speak, strongest first. */
export const SCRAM_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-1"] as const;

/** One of {@linkcode SCRAM_MECHANISMS}. */
export type ScramMechanism = typeof SCRAM_MECHANISMS[number];

const HASH: Record<ScramMechanism, { name: string; bits: number }> = {
  "SCRAM-SHA-256": { name: "SHA-256", bits: 256 },
  "SCRAM-SHA-1": { name: "SHA-1", bits: 160 },
};

/** Largest iteration count we accept; more is a denial of service. */
const MAX_ITERATIONS = 1_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function toBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.fromBase64(text);
}

/**
 * SASLprep (RFC 4013). Printable ASCII maps to itself, so only other text
 * goes through the library.
 */
async function saslprep(text: string): Promise<string> {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const { saslprep: prepare } = await import("@mongodb-js/saslprep");
  return prepare(text);
}

function escapeName(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

async function hmac(
  hash: string,
  key: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash },
    false,
    ["sign"],
  );
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", k, data as Uint8Array<ArrayBuffer>),
  );
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) attrs.set(part[0]!, part.slice(2));
  }
  return attrs;
}

/** A SCRAM exchange, one method per step; messages are UTF-8 bytes. */
export interface ScramClient {
  /** The client-first-message. */
  first(): Promise<Uint8Array>;
  /** Answers the server-first-message with the client-final-message. */
  final(serverFirst: Uint8Array): Promise<Uint8Array>;
  /** Checks the server-final-message; throws `SyntaxError` if it is wrong. */
  verify(serverFinal: Uint8Array): Promise<void>;
}

/**
 * Starts a SCRAM exchange for `username` and `password`.
 *
 * @example
 * const scram = createScramClient("SCRAM-SHA-256", { username: "jürgen", password: "pässword" });
 * send(await scram.first()); send(await scram.final(challenge)); await scram.verify(success);
 */
export function createScramClient(
  mechanism: ScramMechanism,
  credentials: { username: string; password: string; nonce?: string },
): ScramClient {
  const hash = HASH[mechanism];
  const nonce = credentials.nonce ??
    toBase64(crypto.getRandomValues(new Uint8Array(18)));
  let clientFirstBare = "";
  let authMessage = "";
  let serverSignature: Uint8Array | undefined;

  return {
    async first() {
      clientFirstBare = `n=${
        escapeName(await saslprep(credentials.username))
      },r=${nonce}`;
      return encoder.encode(`n,,${clientFirstBare}`);
    },
    async final(serverFirstBytes) {
      const serverFirst = decoder.decode(serverFirstBytes);
      const attrs = parseAttributes(serverFirst);
      const serverNonce = attrs.get("r");
      const salt = attrs.get("s");
      const iterations = Number(attrs.get("i"));
      if (!serverNonce?.startsWith(nonce) || serverNonce === nonce) {
        throw new SyntaxError("SCRAM: the server's nonce does not extend ours");
      }
      if (
        !salt || !Number.isInteger(iterations) || iterations < 1 ||
        iterations > MAX_ITERATIONS
      ) {
        throw new SyntaxError(
          "SCRAM: the server sent no usable salt or iteration count",
        );
      }
      const withoutProof = `c=biws,r=${serverNonce}`;
      authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const passwordKey = await crypto.subtle.importKey(
        "raw",
        encoder.encode(await saslprep(credentials.password)),
        "PBKDF2",
        false,
        ["deriveBits"],
      );
      const salted = new Uint8Array(
        await crypto.subtle.deriveBits(
          {
            name: "PBKDF2",
            hash: hash.name,
            salt: fromBase64(salt) as Uint8Array<ArrayBuffer>,
            iterations,
          },
          passwordKey,
          hash.bits,
        ),
      );
      const clientKey = await hmac(
        hash.name,
        salted,
        encoder.encode("Client Key"),
      );
      const storedKey = new Uint8Array(
        await crypto.subtle.digest(
          hash.name,
          clientKey as Uint8Array<ArrayBuffer>,
        ),
      );
      const message = encoder.encode(authMessage);
      const signature = await hmac(hash.name, storedKey, message);
      const proof = clientKey.map((byte, i) => byte ^ signature[i]!);
      const serverKey = await hmac(
        hash.name,
        salted,
        encoder.encode("Server Key"),
      );
      serverSignature = await hmac(hash.name, serverKey, message);
      return encoder.encode(`${withoutProof},p=${toBase64(proof)}`);
    },
    verify(serverFinalBytes) {
      const attrs = parseAttributes(decoder.decode(serverFinalBytes));
      const error = attrs.get("e");
      if (error) {
        return Promise.reject(
          new SyntaxError(`SCRAM: the server answered "${error}"`),
        );
      }
      const v = attrs.get("v");
      if (!serverSignature || !v || toBase64(serverSignature) !== v) {
        return Promise.reject(
          new SyntaxError(
            "SCRAM: the server's signature is wrong; it does not know the password",
          ),
        );
      }
      return Promise.resolve();
    },
  };
}
