/** Sessions against the test Prosody, and waiting on their events. */
import type {
  Session,
  SessionEvents,
  SessionOptions,
} from "../../src/xmpp/mod.ts";
import type { Prosody } from "../_support/prosody.ts";

/** Options that log `jid` in to `prosody` over STARTTLS. */
export async function optionsFor(
  prosody: Prosody,
  jid: string,
  password: string,
  resource?: string,
): Promise<SessionOptions> {
  return {
    jid,
    password,
    resource,
    server: "127.0.0.1",
    port: prosody.port,
    extraCa: await Deno.readTextFile(prosody.caFile),
  };
}

/** Options for alice, the default account. */
export function alice(
  prosody: Prosody,
  resource?: string,
): Promise<SessionOptions> {
  return optionsFor(prosody, "alice@localhost", "alice-secret-pw", resource);
}

/** The next `event` whose payload passes `test`, or a rejection after `ms`. */
export function next<K extends keyof SessionEvents>(
  session: Session,
  event: K,
  test: (payload: SessionEvents[K]) => boolean = () => true,
  ms = 10_000,
): Promise<SessionEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`No "${String(event)}" event within ${ms} ms`));
    }, ms);
    const off = session.on(event, (payload) => {
      if (!test(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
