/**
 * SASL (RFC 6120 section 6) with our SCRAM: SCRAM-SHA-256, then SCRAM-SHA-1,
 * then PLAIN, whatever order the server lists them in; never on a stream
 * without TLS, never twice on one connection, never below the mechanism
 * this account used before (`pinned`), and with XEP-0474 downgrade
 * protection. Replaces `@xmpp/sasl`, which base64-encodes with `btoa`
 * (non-ASCII fails) and ignores the server's SCRAM signature.
 */
import { oneLine, SaslRefusal } from "./_failures.ts";
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
const NS_SASL_CB = "urn:xmpp:sasl-cb:0";
const encoder = new TextEncoder();

/** Mechanisms we speak, ranked: a pinned one refuses any of lower rank. */
export const MECHANISM_RANK: Readonly<Record<string, number>> = {
  "SCRAM-SHA-256": 3,
  "SCRAM-SHA-1": 2,
  "PLAIN": 1,
};

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
  try {
    return Uint8Array.fromBase64(text.trim());
  } catch {
    throw new SaslRefusal("the server's SASL data is not base64");
  }
}

/** Runs a SCRAM step; a malformed or wrong server message becomes a `SaslRefusal`. */
async function scramStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new SaslRefusal(
      oneLine(err.message.replace(/^SCRAM: /, "")),
      undefined,
      {
        cause: err,
      },
    );
  }
}

/** Who logs in, and what this account used before. */
export interface SaslOptions {
  username: string;
  password: string;
  /** The strongest mechanism this account used before; weaker ones are refused. */
  pinned?: string;
}

function refuseDowngrade(
  mechanism: string | undefined,
  offered: string[],
  pinned: string | undefined,
): void {
  const floor = pinned ? MECHANISM_RANK[pinned] ?? 0 : 0;
  if (floor === 0 || (mechanism && MECHANISM_RANK[mechanism]! >= floor)) return;
  const names = offered.map((m) => oneLine(m, 40)).slice(0, 10);
  throw new SaslRefusal(
    `the server no longer offers ${pinned} (it offers ${
      names.join(", ") || "nothing"
    }); refusing a downgrade${mechanism ? ` to ${mechanism}` : ""}`,
    { pinned: pinned!, offered: names },
  );
}

/** Registers SASL authentication; `onAuthenticated` gets the mechanism used. */
export function authenticate(
  streamFeatures: StreamFeatures,
  options: SaslOptions,
  onAuthenticated: (mechanism: string) => void,
): void {
  let attempted = false;
  streamFeatures.use(
    "mechanisms",
    NS_SASL,
    async ({ entity }, _next, feature) => {
      if (!entity.isSecure()) {
        throw new InsecureStreamError("the server does not offer TLS");
      }
      if (attempted) {
        // RFC 6120 6.4.6: after success the new stream offers no mechanisms.
        throw new SaslRefusal(
          "the server asked for the password a second time on one connection",
        );
      }
      attempted = true;
      const offered = feature.getChildren("mechanism", NS_SASL).map((
        m: Element,
      ) => m.text().trim());
      const mechanism = chooseMechanism(offered);
      refuseDowngrade(mechanism, offered, options.pinned);
      if (!mechanism) {
        throw new NoMechanismError(offered.map((m) => oneLine(m, 40)));
      }
      const bindings = featuresOf(feature)?.getChild(
        "sasl-channel-binding",
        NS_SASL_CB,
      );
      const scram = mechanism === "PLAIN"
        ? undefined
        : createScramClient(mechanism, options, {
          mechanisms: offered,
          channelBindings: bindings?.getChildren("channel-binding").map((
            b: Element,
          ) => String(b.attrs.type ?? "")),
        });
      const initial = scram
        ? await scramStep(() => scram.first())
        : encoder.encode(`\0${options.username}\0${options.password}`);
      let challenges = 0;
      await procedure<void>(
        entity,
        xml("auth", { xmlns: NS_SASL, mechanism }, initial.toBase64()),
        async (element, done) => {
          if (element.getNS() !== NS_SASL) return;
          if (element.name === "challenge") {
            if (!scram || ++challenges > 1) {
              throw new SaslRefusal(
                `the server sent an unexpected challenge during ${mechanism}`,
              );
            }
            const data = decode(element.text());
            const reply = await scramStep(() => scram.final(data));
            await entity.send(
              xml("response", { xmlns: NS_SASL }, reply.toBase64()),
            );
          } else if (element.name === "failure") {
            const condition = element.getChildElements().find((c: Element) =>
              c.name !== "text"
            );
            const text = element.getChildText("text");
            throw new SaslFailure(
              oneLine(condition?.name ?? "not-authorized", 64),
              text ? oneLine(text) : undefined,
            );
          } else if (element.name === "success") {
            if (scram) {
              if (challenges !== 1) {
                throw new SaslRefusal(
                  "the server reported success before the SCRAM exchange ended",
                );
              }
              const data = decode(element.text());
              await scramStep(() => scram.verify(data));
            }
            done();
          }
        },
      );
      onAuthenticated(mechanism);
      await entity.restart();
    },
  );
}

/** The `<stream:features/>` a feature element came in. */
function featuresOf(feature: Element): Element | null {
  return feature.parent as Element | null;
}
