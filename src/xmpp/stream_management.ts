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
 * Here an incoming stanza counts once it is handled: at once, unless the
 * session holds it (`hold()`, for a chat message given to the message
 * handler) until it releases it; `h` is the number of stanzas handled
 * without a gap since the stream began. After a resume the server resends
 * what we had not acknowledged; what of it we had already received is
 * dropped (its first arrival is still being handled, or was).
 */
import type { SafeEntity } from "./_entity.ts";
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

/** What stream management tells the session about our stanzas. */
export interface SmEvents {
  /** The server has handled `stanza`, one of ours. */
  acked(stanza: Element): void;
  /**
   * The stream ended with `stanza` unacknowledged and it will not be resent
   * by resumption. `handled` is false when the server said it never
   * handled it (`<failed h>`), undefined when nobody knows.
   */
  lost(stanza: Element, handled: false | undefined): void;
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

/** Creates the stream management of one session. */
export function createStreamManagement(events: SmEvents): StreamManagement {
  let entity: SafeEntity | undefined;
  /** Resumption id and the full JID of the stream it resumes. */
  let resumeId: string | undefined;
  let boundJid: string | undefined;
  let awaiting: "enable" | "resume" | undefined;
  // Outbound: stanzas we sent since <enable/>, oldest first, and how many the server acked before them.
  let counting = false;
  let outbound = 0;
  let queue: Element[] = [];
  // Inbound: stanzas received on this stream, the held ones, and what was resent after a resume.
  let inbound = false;
  let received = 0;
  let skipUntil = 0;
  let held: { seq: number; done: boolean }[] = [];
  let head = 0;
  let lastAck = 0;
  let hSent = 0;
  let requestScheduled = false;

  function handled(): number {
    while (head < held.length && held[head]!.done) head++;
    if (head > 4096 && head * 2 > held.length) {
      held = held.slice(head);
      head = 0;
    }
    const first = held[head];
    return first ? Math.min(first.seq - 1, received) : received;
  }

  function send(element: Element): void {
    entity?.send(element).catch(() => {});
  }

  function sendAck(): void {
    lastAck = handled();
    send(xml("a", { xmlns: NS_SM, h: String(lastAck) }));
  }

  function parseH(value: unknown): number | undefined {
    const text = String(value ?? "");
    if (!/^\d{1,10}$/.test(text)) return undefined;
    const h = Number(text);
    return h < 2 ** 32 ? h : undefined;
  }

  /** Acknowledges our stanzas up to `h`; false when `h` counts stanzas never sent. */
  function ackTo(h: number): boolean {
    const n = h - outbound;
    if (n > queue.length) return false;
    if (n <= 0) return true;
    const done = queue.splice(0, n);
    outbound = h;
    for (const stanza of done) events.acked(stanza);
    return true;
  }

  function violation(text: string): void {
    entity?.abort(new StreamViolation("undefined-condition", text));
  }

  function newStream(): void {
    inbound = true;
    received = 0;
    skipUntil = 0;
    held = [];
    head = 0;
    lastAck = 0;
  }

  /** Everything still queued is lost to this stream. */
  function dropQueue(known: false | undefined): void {
    const lost = queue;
    queue = [];
    outbound = 0;
    for (const stanza of lost) events.lost(stanza, known);
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
    if (h === undefined || !ackTo(h)) {
      return violation("the server acknowledged stanzas pidgin never sent");
    }
    inbound = true;
    counting = true;
    // The server resends from our h on; what we had received after it is dropped.
    skipUntil = received;
    received = hSent;
    const rest = queue;
    queue = [];
    for (const stanza of rest) {
      // Requests were failed when the connection broke; the rest goes again.
      if (stanza.name !== "iq") send(stanza);
    }
  }

  function onFailed(element: Element): void {
    const h = parseH(element.attrs.h);
    // With <failed h/> the server says how much of ours the old stream handled.
    const known = h !== undefined && h >= outbound && ackTo(h);
    dropQueue(known ? false : undefined);
    resumeId = undefined;
    inbound = false;
    counting = false;
  }

  function onElement(element: Element): boolean {
    const name = element.name;
    if (name === "message" || name === "presence" || name === "iq") {
      if (!inbound) return true;
      received++;
      return received > skipUntil;
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
        } else if (counting ? !ackTo(h) : h > 0) {
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
          queue = [];
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
          const answer = await procedure<Element>(
            conn,
            xml("resume", { xmlns: NS_SM, h: String(hSent), previd: resumeId }),
            (el, done) => {
              if (el.is("resumed", NS_SM) || el.is("failed", NS_SM)) done(el);
            },
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
        dropQueue(undefined);
        await next(); // XEP-0198: bind first, then enable
        counting = true;
        awaiting = "enable";
        const answer = await procedure<Element>(
          conn,
          xml("enable", { xmlns: NS_SM, resume: "true" }),
          (el, done) => {
            if (el.is("enabled", NS_SM) || el.is("failed", NS_SM)) done(el);
          },
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
      if (!inbound) return NOOP;
      const entry = { seq: received, done: false };
      held.push(entry);
      return () => {
        entry.done = true;
      };
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
    notOffered() {
      resumeId = undefined;
      inbound = false;
      counting = false;
      dropQueue(undefined);
    },
    end() {
      resumeId = undefined;
      boundJid = undefined;
      inbound = false;
      counting = false;
      dropQueue(undefined);
    },
  };
  return sm;
}
