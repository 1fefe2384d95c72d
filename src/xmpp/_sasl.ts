/**
 * SASL (RFC 6120 section 6) with our SCRAM: SCRAM-SHA-256, then SCRAM-SHA-1,
 * then PLAIN; never on a stream without TLS. Replaces `@xmpp/sasl`, which
 * base64-encodes with `btoa` (non-ASCII fails) and ignores the server's
 * SCRAM signature.
 */
import {
  type Element,
  procedure,
  type StreamFeatures,
  xml,
} from "./_xmpp_js.ts";
import { InsecureStreamError } from "./_transport.ts";
import {
  createScramClient,
  SCRAM_MECHANISMS,
  type ScramMechanism,
} from "./scram.ts";

const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const encoder = new TextEncoder();

/** The server refused authentication; `condition` is RFC 6120's name. */
export class SaslFailure extends Error {
  override name = "SaslFailure";
  constructor(readonly condition: string, readonly text?: string) {
    super(`SASL failure: ${condition}${text ? ` (${text})` : ""}`);
  }
}

/** The server offers no mechanism we may use. */
export class NoMechanismError extends Error {
  override name = "NoMechanismError";
  constructor(readonly offered: string[]) {
    super(`no supported SASL mechanism among: ${offered.join(", ") || "none"}`);
  }
}

/** Picks the strongest mechanism both sides support. */
export function chooseMechanism(
  offered: string[],
): ScramMechanism | "PLAIN" | undefined {
  return SCRAM_MECHANISMS.find((m) => offered.includes(m)) ??
    (offered.includes("PLAIN") ? "PLAIN" : undefined);
}

function decode(text: string): Uint8Array {
  return Uint8Array.fromBase64(text.trim());
}

/** Registers SASL authentication with `username` and `password`. */
export function authenticate(
  streamFeatures: StreamFeatures,
  credentials: { username: string; password: string },
  onAuthenticated: (mechanism: string) => void,
): void {
  streamFeatures.use(
    "mechanisms",
    NS_SASL,
    async ({ entity }, _next, feature) => {
      if (!entity.isSecure()) {
        throw new InsecureStreamError("the server does not offer TLS");
      }
      const offered = feature.getChildren("mechanism", NS_SASL).map((
        m: Element,
      ) => m.text().trim());
      const mechanism = chooseMechanism(offered);
      if (!mechanism) throw new NoMechanismError(offered);
      const scram = mechanism === "PLAIN"
        ? undefined
        : createScramClient(mechanism, credentials);
      const initial = scram
        ? await scram.first()
        : encoder.encode(`\0${credentials.username}\0${credentials.password}`);
      await procedure<void>(
        entity,
        xml("auth", { xmlns: NS_SASL, mechanism }, initial.toBase64()),
        async (element, done) => {
          if (element.getNS() !== NS_SASL) return;
          if (element.name === "challenge" && scram) {
            const reply = await scram.final(decode(element.text()));
            await entity.send(
              xml("response", { xmlns: NS_SASL }, reply.toBase64()),
            );
          } else if (element.name === "failure") {
            const condition = element.getChildElements().find((c: Element) =>
              c.name !== "text"
            );
            throw new SaslFailure(
              condition?.name ?? "not-authorized",
              element.getChildText("text") ?? undefined,
            );
          } else if (element.name === "success") {
            if (scram) await scram.verify(decode(element.text()));
            done();
          }
        },
      );
      onAuthenticated(mechanism);
      await entity.restart();
    },
  );
}
