/**
 * An independent peer for the end-to-end tests: bob (or another account) as
 * a bare XML client (`raw_xmpp.ts`), sharing no code with pidgin's session
 * layer. It keeps every chat message it is given, as the server gave it,
 * without stream management or deduplication of its own, so a message
 * pidgin sends twice is seen twice. `onlinePeer()` in `accounts.ts` is
 * pidgin's own session and would hide what that session hides.
 *
 * @example
 * await using bob = await connectRawPeer(prosody);
 * await bob.send("alice@localhost", numbered("b", 1000));
 * await bob.handled(); // the server has routed (and archived) all of them
 * await bob.waitForBodies("alice@localhost", 1000);
 */
import type { Element } from "ltx";
import { connectRawXmpp, type RawXmpp } from "./raw_xmpp.ts";
import type { TestEndpoint } from "./accounts.ts";

/** A chat message the peer received, or read from its archive. */
export interface PeerMessage {
  /** Bare JID of the sender. */
  from: string;
  /** Bare JID of the recipient. */
  to: string;
  body: string;
  /** The archive's time for it (archive results only). */
  stamp?: Date;
}

/** A logged-in raw peer; `await using` closes it. */
export interface RawPeer extends AsyncDisposable {
  /** The full JID it bound. */
  readonly jid: string;
  /** The underlying raw session, for forged stanzas. */
  readonly raw: RawXmpp;
  /** Bodies of the chat messages received so far from `from` (a bare JID), in order. */
  bodies(from: string): string[];
  /** Resolves once `n` chat messages from `from` were received in all; rejects after `timeoutMs`. */
  waitForBodies(from: string, n: number, timeoutMs?: number): Promise<void>;
  /** Sends one chat message per body to `to`, all in one write. */
  send(to: string, bodies: readonly string[]): Promise<void>;
  /**
   * Resolves once the server has handled everything sent before (a ping
   * round trip: a server handles one client's stanzas in order).
   */
  handled(timeoutMs?: number): Promise<void>;
  /** The chat messages of our own archive (XEP-0313) with `peer`, oldest first. */
  archive(peer: string): Promise<PeerMessage[]>;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(
    /'/g,
    "&apos;",
  );
}

function bare(jid: string | undefined): string {
  return (jid ?? "").split("/")[0]!.toLowerCase();
}

function chatBody(stanza: Element): string | undefined {
  if (!stanza.is("message") || stanza.attrs.type === "error") return undefined;
  const body = stanza.getChildText("body");
  return body === null ? undefined : body;
}

let ids = 0;

/**
 * Connects `jid` straight to `endpoint` (not through a fault proxy), binds
 * `resource` and sends initial presence, so messages to the bare JID reach it.
 */
export async function connectRawPeer(
  endpoint: TestEndpoint,
  options: { jid?: string; password?: string; resource?: string } = {},
): Promise<RawPeer> {
  const jid = options.jid ?? "bob@localhost";
  const raw = await connectRawXmpp({
    port: endpoint.port,
    caFile: endpoint.caFile!,
    jid,
    password: options.password ?? `${jid.split("@")[0]}-secret-pw`,
    resource: options.resource ?? "raw",
  });
  await raw.send("<presence/>");
  // Read incrementally: a flood is thousands of stanzas.
  const bySender = new Map<string, string[]>();
  let read = 0;
  const fromOf = (from: string): string[] => {
    for (; read < raw.received.length; read++) {
      const stanza = raw.received[read]!;
      const body = chatBody(stanza);
      if (body === undefined) continue;
      const sender = bare(stanza.attrs.from);
      let list = bySender.get(sender);
      if (!list) bySender.set(sender, list = []);
      list.push(body);
    }
    return bySender.get(from) ?? [];
  };
  const peer: RawPeer = {
    jid: raw.jid,
    raw,
    bodies: (from) => [...fromOf(from)],
    async waitForBodies(from, n, timeoutMs = 20_000) {
      await raw.until(
        () => (fromOf(from).length >= n ? true : undefined),
        timeoutMs,
      ).catch((err) => {
        throw new Error(
          `Waiting for ${n} messages from ${from} (${
            fromOf(from).length
          } so far): ${err.message}`,
        );
      });
    },
    send(to, bodies) {
      return raw.send(
        bodies.map((body) =>
          `<message to='${to}' type='chat' id='peer-${++ids}'><body>${
            escape(body)
          }</body></message>`
        ).join(""),
      );
    },
    async handled(timeoutMs = 20_000) {
      await raw.iq(
        `<iq type='get' to='${
          jid.split("@")[1]
        }'><ping xmlns='urn:xmpp:ping'/></iq>`,
        timeoutMs,
      );
    },
    async archive(with_) {
      const found: PeerMessage[] = [];
      let after = "";
      for (let page = 0; page < 1000; page++) {
        const queryId = `archive-${++ids}`;
        const answer = await raw.iq(
          `<iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='${queryId}'>` +
            `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>` +
            `<field var='with'><value>${with_}</value></field></x>` +
            `<set xmlns='http://jabber.org/protocol/rsm'><max>50</max>${
              after ? `<after>${after}</after>` : ""
            }</set></query></iq>`,
          20_000,
        );
        if (answer.attrs.type !== "result") {
          throw new Error(`Archive query refused: ${answer}`);
        }
        // Results come before the answer; take them from what was received.
        for (;;) {
          const result = await raw.next(
            (s) => s.getChild("result")?.attrs.queryid === queryId,
            0,
          ).catch(() => undefined);
          if (!result) break;
          const forwarded = result.getChild("result")!.getChild("forwarded");
          const message = forwarded?.getChild("message");
          const body = message && chatBody(message);
          if (message && body !== undefined) {
            const stamp = forwarded!.getChild("delay")?.attrs.stamp;
            found.push({
              from: bare(message.attrs.from),
              to: bare(message.attrs.to),
              body,
              stamp: stamp ? new Date(stamp) : undefined,
            });
          }
        }
        const fin = answer.getChild("fin");
        if (fin?.attrs.complete === "true") return found;
        const last = fin?.getChild("set")?.getChildText("last");
        if (!last) return found;
        after = last;
      }
      throw new Error("The archive did not end within 1000 pages");
    },
    async [Symbol.asyncDispose]() {
      await raw.close();
    },
  };
  return peer;
}
