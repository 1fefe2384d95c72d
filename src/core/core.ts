/**
 * The application both modes stand on: the accounts, and for each its
 * session, log, ticket services and history. Modes call these operations
 * and show what they return; nothing here prints or reads the environment.
 */
import type { Config } from "../config/mod.ts";
import type { LoggedEntry } from "../store/mod.ts";
import { type Account, chooseAccount, listAccounts } from "./account.ts";
import {
  type AccountConnection,
  connectAccount,
  type ConnectOptions,
} from "./connection.ts";
import { openTicketServices, type TicketServices } from "./tickets.ts";
import type { SearchOptions, SearchPage, SearchRequest } from "./search.ts";
import type { HistoryPull } from "./history_sync.ts";

/** What the core is made from: settings already resolved by the mode. */
export interface CoreOptions {
  config: Config;
  /** The profile directory. */
  purpleDir: string;
  /** Limit for connecting and each wait for the server, in ms. */
  timeoutMs: number;
  /** `--account`: the account commands act as. */
  account?: string;
  /** Asks for a password without echo; given only when there is a terminal. */
  prompt?: (account: string) => Promise<string>;
}

/** The application core of one run. */
export interface Core {
  readonly config: Config;
  readonly purpleDir: string;
  readonly timeoutMs: number;
  /** The account a command acts as: `--account`, else XMPP_JID, else the profile's default. */
  account(): Promise<Account>;
  /** Every account: the environment account (XMPP_JID), then the profile's XMPP accounts. */
  accounts(): Promise<Account[]>;
  /** `account` online with its log and messaging; see {@linkcode connectAccount}. */
  connect(
    account: Account,
    options: Omit<ConnectOptions, "config" | "purpleDir" | "timeoutMs">,
  ): Promise<AccountConnection>;
  /** Older history of one conversation from the archive into the logs; see `pullHistory`. */
  pullHistory(
    account: Account,
    contact: string,
    options: { max: number },
  ): Promise<HistoryPull>;
  /** The ticket services of `account`. */
  tickets(
    account: Account,
    options: { offline?: boolean; warn: (line: string) => void },
  ): Promise<TicketServices>;
  /** The last `limit` entries of the conversation with `contact`, from the logs. */
  history(
    account: Account,
    contact: string,
    limit: number,
  ): Promise<LoggedEntry[]>;
  /** One page of full-text search hits over every log of the profile; see `searchLogs`. */
  search(request: SearchRequest, options?: SearchOptions): Promise<SearchPage>;
}

/** Creates the core. */
export function createCore(options: CoreOptions): Core {
  const { config, purpleDir, timeoutMs } = options;
  const sources = {
    config,
    purpleDir,
    chosen: options.account,
    prompt: options.prompt,
  };
  let account: Promise<Account> | undefined;
  return {
    config,
    purpleDir,
    timeoutMs,
    account() {
      return account ??= chooseAccount(sources);
    },
    accounts() {
      return listAccounts(sources);
    },
    connect(acc, connectOptions) {
      return connectAccount(acc, {
        ...connectOptions,
        config,
        purpleDir,
        timeoutMs,
      });
    },
    async pullHistory(acc, contact, { max }) {
      const { pullHistory } = await import("./history_sync.ts");
      return pullHistory({
        config,
        purpleDir,
        timeoutMs,
        account: acc,
        contact,
        max,
      });
    },
    tickets(acc, { offline, warn }) {
      return openTicketServices({
        config,
        purpleDir,
        account: acc.jid,
        offline,
        warn,
      });
    },
    async history(acc, contact, limit) {
      const { readRecentLog } = await import("../store/mod.ts");
      return readRecentLog(purpleDir, acc.jid, contact, limit);
    },
    async search(request, options) {
      const { searchLogs } = await import("./search.ts");
      return searchLogs(purpleDir, request, options);
    },
  };
}
