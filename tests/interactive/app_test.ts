import assert from "node:assert/strict";
import type {
  Account,
  AccountConnection,
  AccountLog,
  Core,
  Messaging,
} from "../../src/core/mod.ts";
import { createAccountView } from "../../src/interactive/account_view.ts";
import { createApp } from "../../src/interactive/app.ts";
import { createView } from "../../src/interactive/view.ts";
import { Emitter } from "../../src/xmpp/_emitter.ts";
import type { Session, SessionEvents } from "../../src/xmpp/mod.ts";

/** Just enough of a session to emit events into the app, as a flooding server would. */
function floodingSession(events: Emitter<SessionEvents>): Session {
  return {
    on: (event, handler) => events.on(event, handler),
    presencesOf: () => [],
  } as Partial<Session> as Session;
}

/** A connection over that session that never receives a message. */
function connectionOver(session: Session): AccountConnection {
  return {
    account: { jid: "alice@localhost" } as Account,
    session,
    log,
    messaging: {} as Messaging,
    onMessages: () => () => {},
    setNames() {},
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const log: AccountLog = {
  ownName: "alice@localhost/pidgin",
  nameOf: (jid, rosterName) => rosterName ?? jid,
  setAlias() {},
  append: () => Promise.resolve(),
  [Symbol.asyncDispose]: () => Promise.resolve(),
};

Deno.test("createApp() coalesces 100,000 subscription requests into a few lines and one bell", async () => {
  const events = new Emitter<SessionEvents>();
  let written = "";
  const view = createView({
    interactive: true,
    color: false,
    bell: true,
    write: (text) => (written += text),
  });
  const handle = createApp({ core: {} as Core, view });
  const account = createAccountView({
    core: {} as Core,
    account: { jid: "alice@localhost" } as Account,
    connection: connectionOver(floodingSession(events)),
    roster: [],
    tickets: undefined,
    events: handle.events,
    enqueue: handle.enqueue,
  });
  handle.add(account);
  for (let i = 0; i < 100_000; i++) {
    events.emit("subscription", {
      from: `u${i}@evil.example`,
      type: "subscribe",
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  await handle.dispose();
  assert.equal(
    written,
    "100000 contacts want to see your presence: u0@evil.example, u1@evil.example, u2@evil.example and 99997 more; /accept <jid> or /deny <jid> (/accept alone lists them)\n\x07",
  );
  assert.equal(account.pendingSubscriptions.size, 100_000);
});
