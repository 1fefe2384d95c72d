/**
 * Stream management (XEP-0198): acknowledgements both ways and stream
 * resumption, with state that outlives each connection.
 *
 * Ours rather than `@xmpp/stream-management` 0.14, because that one counts
 * an incoming stanza as handled as soon as its middleware sees it (a crash
 * before the message is logged loses it: the server was told we had it),
 * reports unacknowledged stanzas only when resumption fails and never says
 * which of them the server had handled (`<failed h>`), keeps its state in
 * one connection's plugin, and trusts whatever `h` the server sends.
 *
 * Here an incoming stanza counts once it is handled (`_handled.ts`): at
 * once, unless the session holds it for the message handler. After a resume
 * the server resends what we had not acknowledged; what of it we had
 * already received is dropped (its first arrival is being handled, or was).
 */
import type { SafeEntity } from "./_entity.ts";
import { createHandledCounter } from "./_handled.ts";
import { createSentQueue, type SentQueueEvents } from "./_sent_queue.ts";
import { StreamViolation } from "./_failures.ts";
import {
  type Element,
  procedure,
  type StreamFeatures,
  xml,
} from "./_xmpp_js.ts";

const NS_SM = "urn:xmpp:sm:3";
/** Longest resumption id we keep (Prosody's are 24 characters, ejabberd's ~40). */
const MAX_ID = 1024;
const NOOP = () => {};

/**
 * What stream management tells the session about our stanzas: acked, or
 * lost with a stream that is gone (`handled` false when the server said it
 * never handled it, `<failed h/>`; undefined when nobody knows).
 */
export interface SmEvents extends SentQueueEvents {
  /** We asked the server for an acknowledgement (`<r/>`). */
  requested(): void;
}

/** How negotiation on one connection ended. */
export type SmOutcome = "resumed" | "enabled" | "unavailable";

/** Stream management of one session, across its connections. */
export interface StreamManagement {
  /**
   * Registers on a new connection, before resource binding: resumes the
   * previous stream when it can, else enables stream management after
   * binding. `offered` turns true when the server offers it (before
   * binding), and `outcome` settles once negotiation is decided.
   */
  attach(
    entity: SafeEntity,
    streamFeatures: StreamFeatures,
  ): { readonly offered: boolean; outcome: Promise<SmOutcome> };
  /** True while the current connection counts acknowledgements. */
  readonly enabled: boolean;
  /**
   * Claims the stanza being dispatched right now (call it synchronously);
   * it counts as handled once the returned function is called.
   */
  hold(): () => void;
  /** Asks the server for an acknowledgement, once per burst of sends. */
  requestAck(): void;
  /** Tells the server what we handled, when that is more than it knows. */
  ackIfBehind(): void;
  /** The new connection offers no stream management: the old stream is gone. */
  notOffered(): void;
  /** Gives the stream up: no resume; what is unacknowledged is lost. */
  end(): void;
}

function parseH(value: unknown): number | undefined {
  const text = String(value ?? "");
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const h = Number(text);
  return h < 2 ** 32 ? h : undefined;
}

/** Sends `request` and resolves with the answer named `ok` or `<failed/>`. */
function negotiate(
  entity: Parameters<typeof procedure>[0],
  request: Element,
  ok: string,
): Promise<Element> {
  return procedure<Element>(entity, request, (el, done) => {
    if (el.is(ok, NS_SM) || el.is("failed", NS_SM)) done(el);
  });
}

/** Creates the stream management of one session. */
export function createStreamManagement(events: SmEvents): StreamManagement {
  let entity: SafeEntity | undefined;
  /** Resumption id and the full JID of the stream it resumes. */
  let resumeId: string | undefined;
  let boundJid: string | undefined;
  let awaiting: "enable" | "resume" | undefined;
  // Outbound: counting (from <enable/> on) what we send.
  let counting = false;
  const queue = createSentQueue(events);
  // Inbound: counting (after <enabled/> or <resumed/>), and the last h sent.
  let inbound = false;
  const counter = createHandledCounter();
  const handled = counter.handled;
  let lastAck = 0;
  let hSent = 0;
  let requestScheduled = false;

  function send(element: Element): void {
    entity?.send(element).catch(() => {});
  }

  function sendAck(): void {
    lastAck = handled();
    send(xml("a", { xmlns: NS_SM, h: String(lastAck) }));
  }

  function violation(text: string): void {
    entity?.abort(new StreamViolation("undefined-condition", text));
  }

  function newStream(): void {
    inbound = true;
    counter.reset();
    lastAck = 0;
  }

  function onEnabled(element: Element): void {
    newStream();
    const resume = element.attrs.resume === "true" ||
      element.attrs.resume === "1";
    const id = element.attrs.id ? String(element.attrs.id) : "";
    resumeId = resume && id && id.length <= MAX_ID ? id : undefined;
    boundJid = entity?.jid?.toString();
  }

  function onResumed(element: Element): void {
    const h = parseH(element.attrs.h);
    if (h === undefined || !queue.ackTo(h)) {
      return violation("the server acknowledged stanzas pidgin never sent");
    }
    inbound = true;
    counting = true;
    counter.resumed(hSent);
    for (const stanza of queue.take()) {
      // Requests were failed when the connection broke; the rest goes again.
      if (stanza.name !== "iq") send(stanza);
    }
  }

  /** No resume: the stream and what it left unacknowledged are gone. */
  function forget(): void {
    resumeId = undefined;
    inbound = false;
    counting = false;
    queue.drop(undefined);
  }

  function onFailed(element: Element): void {
    const h = parseH(element.attrs.h);
    // With <failed h/> the server says how much of ours the old stream handled.
    const known = h !== undefined && h >= queue.acked && queue.ackTo(h);
    queue.drop(known ? false : undefined);
    resumeId = undefined;
    inbound = false;
    counting = false;
  }

  function onElement(element: Element): boolean {
    const name = element.name;
    if (name === "message" || name === "presence" || name === "iq") {
      return !inbound || counter.count();
    }
    if (!element.is(name, NS_SM)) return true;
    switch (name) {
      case "r":
        if (inbound) sendAck();
        return false;
      case "a": {
        const h = parseH(element.attrs.h);
        if (h === undefined) {
          violation("the server sent an acknowledgement pidgin cannot read");
        } else if (counting ? !queue.ackTo(h) : h > 0) {
          // Without stream management on, nothing was sent to acknowledge.
          violation("the server acknowledged stanzas pidgin never sent");
        }
        return false;
      }
      case "enabled":
        if (awaiting === "enable") onEnabled(element);
        awaiting = undefined;
        return true;
      case "resumed":
        if (awaiting === "resume") onResumed(element);
        awaiting = undefined;
        return true;
      case "failed":
        if (awaiting === "resume") onFailed(element);
        if (awaiting === "enable") {
          counting = false;
          queue.take();
        }
        awaiting = undefined;
        return true;
    }
    return true;
  }

  function onSending(element: Element): void {
    const name = element.name;
    if (
      !counting || (name !== "message" && name !== "presence" && name !== "iq")
    ) {
      return;
    }
    queue.push(element);
    sm.requestAck();
  }

  const sm: StreamManagement = {
    get enabled() {
      return counting && inbound;
    },
    attach(e, streamFeatures) {
      entity = e;
      e.hooks.element = onElement;
      e.hooks.sending = onSending;
      e.hooks.closing = () => {
        if (inbound) sendAck();
      };
      e.on("disconnect", () => {
        if (entity !== e) return;
        inbound = false;
        counting = false;
        awaiting = undefined;
        entity = undefined;
      });
      let settle: (outcome: SmOutcome) => void = NOOP;
      const outcome = new Promise<SmOutcome>((resolve) => (settle = resolve));
      let offered = false;
      streamFeatures.use("sm", NS_SM, async ({ entity: conn }, next) => {
        offered = true;
        if (resumeId !== undefined && boundJid !== undefined) {
          awaiting = "resume";
          hSent = handled();
          lastAck = hSent;
          const answer = await negotiate(
            conn,
            xml("resume", { xmlns: NS_SM, h: String(hSent), previd: resumeId }),
            "resumed",
          );
          if (answer.is("resumed", NS_SM) && counting) {
            const internals = conn as unknown as {
              _jid(jid: string): void;
              _ready(resumed: boolean): void;
            };
            internals._jid(boundJid);
            internals._ready(false);
            return settle("resumed");
          }
        }
        // A new stream: what the old one left unacknowledged is not resent by it.
        resumeId = undefined;
        inbound = false;
        queue.drop(undefined);
        await next(); // XEP-0198: bind first, then enable
        counting = true;
        awaiting = "enable";
        const answer = await negotiate(
          conn,
          xml("enable", { xmlns: NS_SM, resume: "true" }),
          "enabled",
        );
        settle(answer.is("enabled", NS_SM) ? "enabled" : "unavailable");
      });
      return {
        get offered() {
          return offered;
        },
        outcome,
      };
    },
    hold() {
      return inbound ? counter.hold() : NOOP;
    },
    requestAck() {
      if (requestScheduled || !counting) return;
      requestScheduled = true;
      queueMicrotask(() => {
        requestScheduled = false;
        if (!counting) return;
        send(xml("r", { xmlns: NS_SM }));
        events.requested();
      });
    },
    ackIfBehind() {
      if (inbound && handled() > lastAck) sendAck();
    },
    notOffered: forget,
    end: forget,
  };
  return sm;
}
