/**
 * The state of an interactive session: its online accounts, conversations
 * (keyed by account and contact) with unread counts, the current
 * conversation and the account new ones start on. Commands act on it; the
 * view prints it. With several accounts online, lines name their account.
 */
import { type AppError, UsageError } from "../errors.ts";
import type { Core, SearchRequest } from "../core/mod.ts";
import type { ChatMessage } from "../xmpp/mod.ts";
import type { Rich } from "../text/rich.ts";
import { indentContinuation } from "../text/continuation.ts";
import type { AccountEvents, AccountView } from "./account_view.ts";
import { createCoalescer } from "./notices.ts";
import type { View } from "./view.ts";

export type { AccountView, OwnStatus } from "./account_view.ts";

/** One conversation window. */
export interface Conversation {
  /** `account\0contact`. */
  key: string;
  account: AccountView;
  jid: string;
  /** Lines that arrived while it was not the current one, shown on /chat. */
  missed: Rich[];
  /** How many of `missed` are messages from the contact (the unread count). */
  unread: number;
  typing: boolean;
}

/** An account that did not come online, and why. */
export interface FailedAccount {
  jid: string;
  error: AppError;
}

/** Everything a command can use. */
export interface App {
  core: Core;
  view: View;
  /** The online accounts, in the order they were configured. */
  accounts: AccountView[];
  /** Accounts that could not go online at start. */
  failed: FailedAccount[];
  /** The current conversation's account, else the one chosen with /account: what /add, /status … act on. */
  readonly active: AccountView;
  /** Chooses the account new conversations start on (/account). */
  choose(account: AccountView): void;
  conversations: Map<string, Conversation>;
  current: Conversation | undefined;
  /** True when several accounts are online: lines and notices name their account. */
  readonly multi: boolean;
  /** A contact by JID, alias or unique prefix, on the active account first, then the others. */
  resolveContact(text: string): { account: AccountView; jid: string };
  /** Opens (or returns) the conversation with `jid` on `account`. */
  open(account: AccountView, jid: string): Conversation;
  /** Makes `conversation` the current one and prints what was missed. */
  switchTo(conversation: Conversation): void;
  /** Logs, then sends `text` in `to` (default: the current conversation). */
  send(text: string, to?: Conversation): Promise<void>;
  /** How a contact is shown: its name, and its account's JID when several are online. */
  label(account: AccountView, jid: string): string;
  /** Redraws the prompt (current contact, typing, unread). */
  updatePrompt(): void;
  /** Records a failure that happened outside a command (a bounce): pipes exit with it. */
  fail(err: AppError): void;
  /** Asks the read loop to end; nothing typed after it runs. */
  quit(): void;
  /** The last /search and where its next page starts, for /search more. */
  lastSearch?: { request: SearchRequest; next?: string };
  /** Set by the read loop. */
  onQuit?: () => void;
  /** Set by the read loop. */
  onFailure?: (err: AppError) => void;
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/** How many requests a coalesced notice names before it says "and N more". */
const NAMED_IN_NOTICE = 3;

/** The app, its hooks for account events, and what ends it. */
export interface AppHandle {
  app: App;
  /** What each account view reports to. */
  events: AccountEvents;
  /** Serialises work that touches the screen or the logs. */
  enqueue(task: () => Promise<void>): void;
  /** Adds an account that came online. */
  add(account: AccountView): void;
  dispose(): Promise<void>;
}

/** Creates the app state; accounts join with `add`. */
export function createApp(
  options: { core: Core; view: View; failed?: FailedAccount[] },
): AppHandle {
  const { view } = options;
  let queue = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((err) =>
      view.error(`pidgin: ${err instanceof Error ? err.message : err}`)
    );
  };
  let chosen: AccountView | undefined;
  const keyOf = (account: AccountView, jid: string) =>
    `${account.account.jid}\0${jid}`;

  const app: App = {
    core: options.core,
    view,
    accounts: [],
    failed: options.failed ?? [],
    get active() {
      const account = app.current?.account ?? chosen ?? app.accounts[0];
      if (!account) {
        throw new UsageError("No account is online", {
          hint: "/account lists the accounts and why they are offline",
        });
      }
      return account;
    },
    choose(account) {
      chosen = account;
    },
    conversations: new Map(),
    current: undefined,
    get multi() {
      return app.accounts.length > 1;
    },
    resolveContact(text) {
      const wanted = text.trim().toLowerCase();
      if (!wanted) {
        throw new UsageError(
          "Expected a contact: a JID, an alias or the start of one",
        );
      }
      const active = app.active;
      const ordered = [active, ...app.accounts.filter((a) => a !== active)];
      for (const account of ordered) {
        const known = new Set([...account.roster.keys()]);
        for (const c of app.conversations.values()) {
          if (c.account === account) known.add(c.jid);
        }
        const candidates = [...known].map((jid) => ({
          jid,
          name: account.nameOf(jid).toLowerCase(),
        }));
        const exact = candidates.find((c) =>
          c.jid === wanted || c.name === wanted
        );
        if (exact) return { account, jid: exact.jid };
        const prefixed = candidates.filter((c) =>
          c.jid.startsWith(wanted) || c.name.startsWith(wanted)
        );
        if (prefixed.length === 1) return { account, jid: prefixed[0]!.jid };
        if (prefixed.length > 1) {
          throw new UsageError(
            `"${text}" could be ${
              prefixed.map((c) => c.jid).sort().join(", ")
            }`,
            { hint: "Type more of the name or the full JID" },
          );
        }
      }
      if (/^[^@\s/]+@[^@\s/]+$/.test(wanted)) {
        return { account: active, jid: wanted };
      }
      throw new UsageError(`No contact matches "${text}"`, {
        hint: "Use a full JID such as bob@example.com",
      });
    },
    open(account, jid) {
      const key = keyOf(account, jid);
      let conversation = app.conversations.get(key);
      if (!conversation) {
        conversation = {
          key,
          account,
          jid,
          missed: [],
          unread: 0,
          typing: false,
        };
        app.conversations.set(key, conversation);
      }
      return conversation;
    },
    switchTo(conversation) {
      app.current = conversation;
      const { account, jid } = conversation;
      view.line(
        view.dim(`Now chatting with ${app.label(account, jid)} (${jid})`),
      );
      for (const line of conversation.missed) view.line(line);
      conversation.missed = [];
      conversation.unread = 0;
      app.updatePrompt();
    },
    async send(text, to = app.current) {
      if (!to) {
        throw new UsageError("No conversation is open", {
          hint: "Open one with /chat <jid>, or /msg <jid> <text>",
        });
      }
      if (!to.account.online) {
        throw new UsageError(
          `Cannot send: ${to.account.account.jid} is offline`,
          { hint: "/account shows the accounts" },
        );
      }
      await to.account.messaging.send(to.jid, text);
    },
    label(account, jid) {
      const name = account.nameOf(jid);
      return app.multi ? `${name} [${account.account.jid}]` : name;
    },
    updatePrompt() {
      let unread = 0;
      for (const c of app.conversations.values()) unread += c.unread;
      const current = app.current;
      const who = current
        ? app.label(current.account, current.jid)
        : app.multi && chosen
        ? `pidgin [${chosen.account.jid}]`
        : "pidgin";
      const typing = current?.typing ? " (typing…)" : "";
      const link = connectionLabel(
        current?.account ?? chosen ?? app.accounts[0],
      );
      view.setPrompt(
        `${link}${unread ? `[${unread} unread] ` : ""}${who}${typing}> `,
      );
    },
    fail(err) {
      app.onFailure?.(err);
    },
    quit() {
      app.onQuit?.();
    },
  };

  /** The connection state the prompt starts with: nothing while online. */
  const connectionLabel = (account: AccountView | undefined): string => {
    if (!account) return "";
    if (!account.online) return "[offline] ";
    const { status, retryAt } = account.state;
    if (status !== "reconnecting") return "";
    const inS = Math.ceil(((retryAt ?? 0) - performance.now()) / 1000);
    return inS > 0 ? `[reconnecting in ${inS} s] ` : "[reconnecting…] ";
  };
  // While an account reconnects the prompt counts down, once a second.
  let ticker: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    const waiting = app.accounts.some((a) =>
      a.online && a.state.status === "reconnecting"
    );
    if (waiting && ticker === undefined) {
      ticker = setInterval(() => {
        app.updatePrompt();
        tick();
      }, 1000);
    } else if (!waiting && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };

  /** The line a message gets in its conversation; continuation lines are indented. */
  const render = (account: AccountView, m: ChatMessage): Rich => {
    // Ours (sent from another of our clients) under our own name.
    const who = view.name(
      account.nameOf(m.direction === "out" ? m.fromBare : m.contact),
    );
    const body = indentContinuation(m.body);
    return m.body.startsWith("/me ")
      ? [`${clock(m.sentAt)} * `, who, ` ${body.slice(4)}`]
      : [`${clock(m.sentAt)} `, who, `: ${body}`];
  };

  // Messages in other conversations: one notice per conversation per second at most.
  const otherMessages = createCoalescer<[Conversation, ChatMessage]>(
    (batch) => {
      for (const items of batch.values()) {
        const [conversation, m] = items.at(-1)!;
        if (app.current === conversation) continue;
        const text = m.body.replace(/\s+/g, " ");
        const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
        view.line(view.dim(
          `(${clock(m.sentAt)} ${conversation.unread} unread from ${
            app.label(conversation.account, conversation.jid)
          }: ${preview})`,
        ));
      }
      view.ring();
      app.updatePrompt();
    },
  );

  // Subscription requests: coalesced, so 100,000 of them make a few lines.
  const requests = createCoalescer<AccountView>((batch) => {
    const keys = [...batch.keys()];
    const suffix = (key: string) => {
      const account = batch.get(key)![0]!;
      return app.multi ? ` [${account.account.jid}]` : "";
    };
    const jidOf = (key: string) => key.slice(key.indexOf("\0") + 1);
    if (keys.length === 1) {
      const who = jidOf(keys[0]!);
      view.line(view.bold(
        `${who}${
          suffix(keys[0]!)
        } wants to see your presence: /accept ${who} or /deny ${who}`,
      ));
    } else {
      const named = keys.slice(0, NAMED_IN_NOTICE).map(jidOf).join(", ");
      const more = keys.length > NAMED_IN_NOTICE
        ? ` and ${keys.length - NAMED_IN_NOTICE} more`
        : "";
      view.line(view.bold(
        `${keys.length} contacts want to see your presence: ${named}${more}; /accept <jid> or /deny <jid> (/accept alone lists them)`,
      ));
    }
    view.ring();
  });

  const reconnectShown = new Map<AccountView, boolean>();

  // Receipts: one notice per conversation per second at most.
  const receipts = createCoalescer<[AccountView, string]>((batch) => {
    for (const items of batch.values()) {
      const [account, jid] = items[0]!;
      const count = items.length;
      view.line(view.dim(
        `✓ ${app.label(account, jid)} received ${
          count === 1 ? "your message" : `${count} of your messages`
        }`,
      ));
    }
  });

  const events: AccountEvents = {
    messages(account, batch) {
      // Logged already, each once; here they are only shown.
      const shown: Rich[] = [];
      for (const m of batch) {
        const conversation = app.open(account, m.contact);
        if (m.direction === "in") conversation.typing = false;
        const line = render(account, m);
        if (app.current === conversation) {
          shown.push(shown.length > 0 ? ["\n", line] : line);
        } else {
          conversation.missed.push(line);
          // Sent from another of our clients: part of the conversation, not unread.
          if (m.direction === "in") {
            conversation.unread++;
            otherMessages.add(conversation.key, [conversation, m]);
          }
        }
      }
      if (shown.length > 0) view.line(shown);
      otherMessages.settle();
      app.updatePrompt();
    },
    chatState(account, e) {
      const conversation = app.conversations.get(keyOf(account, e.fromBare));
      const typing = e.state === "composing";
      if (!conversation || conversation.typing === typing) return;
      conversation.typing = typing;
      if (conversation === app.current) app.updatePrompt();
    },
    presence(account, p) {
      const current = app.current;
      if (current?.account !== account || current.jid !== p.fromBare) return;
      const status = p.status ? ` (${p.status})` : "";
      view.line(view.dim(
        `${app.label(account, p.fromBare)} is now ${p.show}${status}`,
      ));
    },
    subscription(account, jid, type) {
      const on = app.multi ? ` [${account.account.jid}]` : "";
      if (type === "subscribe") {
        requests.add(keyOf(account, jid), account);
      } else if (type === "subscribed") {
        view.line(
          view.dim(`${jid}${on} accepted your request to see their presence`),
        );
      } else if (type === "unsubscribed") {
        view.line(
          view.dim(`${jid}${on} does not share their presence with you`),
        );
      }
    },
    error(account, e) {
      const on = app.multi ? ` [${account.account.jid}]` : "";
      view.error(
        `Cannot deliver to ${e.from ?? "the server"}${on}: ${e.condition}${
          e.text ? ` (${e.text})` : ""
        }`,
      );
    },
    state(account) {
      const on = app.multi ? ` [${account.account.jid}]` : "";
      const { status, retryAt } = account.state;
      if (status === "reconnecting") {
        const inS = Math.max(
          0,
          Math.round(
            ((retryAt ?? performance.now()) - performance.now()) / 1000,
          ),
        );
        const was = reconnectShown.get(account);
        reconnectShown.set(account, true);
        // One line per outage, not one per attempt.
        if (!was) {
          view.line(view.dim(
            `Connection lost${on}; reconnecting${
              inS > 0 ? ` in ${inS} s` : ""
            }…`,
          ));
        }
      } else if (status === "resumed" || status === "online") {
        if (reconnectShown.get(account)) {
          reconnectShown.delete(account);
          view.line(view.dim(
            status === "resumed"
              ? `Reconnected${on}; nothing was missed`
              : `Reconnected${on}; catching up on missed messages`,
          ));
        }
      }
      tick();
      app.updatePrompt();
    },
    receipt(account, r) {
      const jid = r.from.split("/")[0]!.toLowerCase();
      receipts.add(keyOf(account, jid), [account, jid]);
    },
    offline(account, reason) {
      view.error(
        `pidgin: ${account.account.jid} is offline: ${
          reason ?? "the connection to the server was lost"
        }`,
      );
      tick();
      app.updatePrompt();
    },
    bounce(_account, error) {
      view.error(`pidgin: ${error.message}`);
      app.fail(error);
    },
    warn(_account, line) {
      view.error(line);
    },
  };

  return {
    app,
    events,
    enqueue,
    add(account) {
      app.accounts.push(account);
    },
    async dispose() {
      clearInterval(ticker);
      otherMessages.stop();
      receipts.stop();
      requests.stop();
      await queue;
      for (const account of app.accounts) await account.dispose();
    },
  };
}
