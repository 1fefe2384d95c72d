/**
 * One XMPP session: connect securely, authenticate, bind, then send and
 * receive chat messages, presence and roster changes as plain data; with
 * `reconnect`, across broken connections. Shared by every subcommand and the
 * interactive mode. The protocol features are their own files (stream
 * management, carbons, archive, receipts); this file wires them together.
 */
import { ConnectionError } from "../errors.ts";
import { Emitter } from "./_emitter.ts";
import { assertResource } from "./_bind.ts";
import { scheduleCatchUp } from "./_catch_up.ts";
import { createDispatch } from "./_dispatch.ts";
import { createDelivery } from "./_delivery.ts";
import { createInbound } from "./_inbound.ts";
import { createLifecycle, type ReadyKind } from "./_lifecycle.ts";
import { DEFAULT_MAX_STANZA_BYTES } from "./_limits.ts";
import { createOutbox } from "./_outbox.ts";
import {
  assertMessageId,
  assertSendable,
  chatMessage,
  toTarget,
} from "./_outgoing.ts";
import {
  fetchRoster,
  type Link,
  ping,
  sendChatState,
  sendPresence,
  sendSubscription,
  setRosterItem,
} from "./_requests.ts";
import { parseJid } from "./_xmpp_js.ts";
import { createCarbons } from "./carbons.ts";
import { toAppError } from "./errors.ts";
import { toBareJid } from "./jid.ts";
import { createArchive } from "./mam.ts";
import { createReceipts } from "./receipts.ts";
import { createStreamManagement } from "./stream_management.ts";
import type {
  PresenceShow,
  Session,
  SessionEvents,
  SessionOptions,
  SessionTimings,
} from "./types.ts";

/**
 * Creates a session; nothing happens on the network until `start()`.
 *
 * Requires net permission (and DNS for SRV when no server is set).
 *
 * @example
 * await using session = createSession({ jid: "alice@example.com", password, reconnect: true });
 * session.setMessageHandler(async (batch) => await log(batch)); // acknowledged once logged
 * await session.start();
 * session.assertSendable("bob@example.com", "hello"); // before logging it
 * await session.sendMessage("bob@example.com", "hello");
 */
export function createSession(options: SessionOptions): Session {
  const bareJid = toBareJid(options.jid);
  const { local: username, domain } = parseJid(bareJid);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const events = new Emitter<SessionEvents>();
  const timings: SessionTimings = {};
  const inbound = createInbound(events);
  const sm = createStreamManagement({
    acked: (stanza) => outbox.acked(stanza),
    lost: (stanza, handled) => outbox.lost(stanza, handled),
    requested: () => life.probing(),
  });
  const delivery = createDelivery(events, sm, (on) => life.holdReading(on));
  const receipts = createReceipts({
    onReceipt: (receipt) => events.emit("receipt", receipt),
    send: (stanza) => void life.link()?.entity.send(stanza).catch(() => {}),
  });
  const carbons = createCarbons(bareJid);
  const archive = createArchive({
    ownBare: bareJid,
    async request(iq) {
      const link = life.requireOnline();
      try {
        return await life.untilClosed(
          link.plugins.iqCaller.request(iq, timeoutMs),
        );
      } catch (err) {
        if (err instanceof Error && err.name === "StanzaError") throw err;
        throw toAppError(err, life.context(true));
      }
    },
  });
  const outbox = createOutbox({
    archive,
    written(id, toBare) {
      receipts.sent(id, toBare);
      delivery.ownSent(id);
    },
    giveUpAfterMs: options.reconnect ? undefined : timeoutMs,
    acknowledged: (id) => events.emit("acknowledged", { id }),
  });
  /** The last presence we sent, to send again on a new session. */
  let presence: { show: PresenceShow; status?: string } | undefined;
  let rosterWanted = false;
  const catchUp = scheduleCatchUp({
    catchUp: options.catchUp,
    archive,
    delivery,
    emit: (event) => events.emit("catchUp", event),
  });

  async function afterNewSession(link: Link, kind: ReadyKind): Promise<void> {
    if (delivery.hasHandler) {
      await carbons.enable(link.plugins.iqCaller, timeoutMs).catch(() => {});
    }
    if (kind === "first") return;
    if (rosterWanted) {
      const roster = await life.untilClosed(fetchRoster(link)).catch(() => {});
      if (roster) events.emit("rosterReset", roster);
    }
  }

  const life = createLifecycle({
    options,
    bareJid,
    domain,
    username,
    timeoutMs,
    events,
    timings,
    sm,
    onStanza: createDispatch({
      ownBare: bareJid,
      archive,
      carbons,
      receipts,
      inbound,
      delivery,
    }),
    onRead: () => delivery.endOfRead(),
    onRosterPush: (item) => events.emit("roster", item),
    onReady(link, kind, smEnabled) {
      if (kind !== "resumed") {
        if (kind === "new") inbound.reset();
        if (presence) {
          sendPresence(link, presence.show, presence.status).catch(() => {});
        }
        void afterNewSession(link, kind);
      }
      catchUp.ready(kind === "resumed");
      outbox.online({
        send: (stanza) => link.entity.send(stanza),
        sm: smEnabled,
        roundTrip: () => life.untilClosed(answered(ping(link, domain))),
      });
    },
    onClosed() {
      delivery.endOfRead();
      // What arrives on the next connection waits for its catch-up.
      catchUp.connecting();
      outbox.offline();
    },
    onEnded(reason) {
      sm.end();
      outbox.end(reason);
    },
  });

  /** Resolves on the server's answer, even an error answer: it handled what came before. */
  async function answered(request: Promise<void>): Promise<void> {
    try {
      await request;
    } catch (err) {
      if (!(err instanceof Error && err.name === "StanzaError")) throw err;
    }
  }

  /** Runs a request on the live connection; failures become `AppError`s. */
  async function request<T>(run: (link: Link) => Promise<T>): Promise<T> {
    const link = life.requireOnline();
    try {
      return await life.untilClosed(run(link));
    } catch (err) {
      throw toAppError(err, life.context(true));
    }
  }

  const session: Session = {
    get jid() {
      return life.jid ?? bareJid;
    },
    bareJid,
    timings,
    get mechanism() {
      return life.connection?.state.mechanism;
    },
    get maxStanzaBytes() {
      return life.connection?.state.maxStanzaBytes ?? DEFAULT_MAX_STANZA_BYTES;
    },
    async start() {
      if (options.resource !== undefined) assertResource(options.resource);
      catchUp.connecting();
      await life.start();
    },
    assertSendable(to, body) {
      assertSendable(to, body, {
        maxStanzaBytes: session.maxStanzaBytes,
        fullJid: session.jid,
      });
    },
    sendMessage(to, body, sendOptions = {}) {
      try {
        session.assertSendable(to, body);
        if (sendOptions.id !== undefined) assertMessageId(sendOptions.id);
        if (!life.reconnecting) life.requireOnline();
      } catch (err) {
        return Promise.reject(err);
      }
      const target = toTarget(to);
      const id = sendOptions.id ?? crypto.randomUUID();
      return outbox.send({
        id,
        to: target,
        toBare: toBareJid(target, "recipient"),
        body,
        stanza: chatMessage(target, body, id),
        queuedAt: sendOptions.queuedAt,
      });
    },
    unacknowledged() {
      return outbox.unacknowledged();
    },
    setMessageHandler(handler) {
      delivery.setHandler(handler);
    },
    queryArchive(query) {
      return archive.query(query);
    },
    async getRoster() {
      const roster = await request((link) => fetchRoster(link));
      rosterWanted = true;
      return roster;
    },
    updateContact(jid, contact = {}) {
      return request((link) => setRosterItem(link, toBareJid(jid), contact));
    },
    removeContact(jid) {
      return request((link) =>
        setRosterItem(link, toBareJid(jid), { remove: true })
      );
    },
    requestSubscription(jid) {
      return request((link) =>
        sendSubscription(link, toBareJid(jid), "subscribe")
      );
    },
    answerSubscription(jid, approve) {
      return request((link) =>
        sendSubscription(
          link,
          toBareJid(jid),
          approve ? "subscribed" : "unsubscribed",
        )
      );
    },
    async sendPresence(show = "available", status) {
      await request((link) => sendPresence(link, show, status));
      presence = { show, status };
    },
    sendChatState(to, state) {
      return request((link) => sendChatState(link, toBareJid(to), state));
    },
    presencesOf(bare) {
      return inbound.presencesOf(bare);
    },
    async roundTrip() {
      const link = life.requireOnline();
      try {
        await life.untilClosed(answered(ping(link, domain)));
      } catch (err) {
        throw toAppError(err, life.context(true));
      }
    },
    on(event, handler) {
      return events.on(event, handler);
    },
    async stop() {
      await life.stop();
      sm.end();
      outbox.end(
        new ConnectionError("The session was stopped", {
          hint: "Send it again once online, with the same id",
        }),
      );
    },
    [Symbol.asyncDispose]() {
      return session.stop();
    },
  };
  return session;
}
