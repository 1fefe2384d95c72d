/**
 * Our message archive (XEP-0313, with RSM paging, XEP-0059), read page by
 * page. A result is believed only when it answers a query we sent, carries
 * that query's id, comes from our own archive (no `from`, or our bare JID;
 * CVE-2019-16237 in Dino: anyone could inject "archived" messages) and
 * arrives while the query runs; anything else with a result wrapper is
 * dropped. Queries are bounded: a page never holds more than was asked for,
 * and a server that repeats a page, or never says the end was reached
 * within the limits, is cut off with an {@linkcode ArchiveError}.
 */
import { type AppErrorOptions, ConnectionError } from "../errors.ts";
import { oneLine } from "./_failures.ts";
import { toChatMessage, unwrapForwarded } from "./stanzas.ts";
import { type Element, xml } from "./_xmpp_js.ts";
import type { ArchiveQuery, ChatMessage } from "./types.ts";

const NS_MAM = "urn:xmpp:mam:2";
const NS_RSM = "http://jabber.org/protocol/rsm";
const NS_DATA = "jabber:x:data";

/** Defaults and hard limits of one query. */
const DEFAULT_MAX = 10_000;
const HARD_MAX = 100_000;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** Pages in a row with no result and no end: the server goes nowhere. */
const MAX_EMPTY_PAGES = 2;
/** Longer archive ids are refused (`ChatMessage` keeps ids up to this long). */
const MAX_ID = 256;

/** Conditions a server answers with when it keeps no archive for us. */
const NO_ARCHIVE = new Set(["service-unavailable", "feature-not-implemented"]);

/** Reading the archive failed: the server refused, has none, or broke the protocol (exit 5). */
export class ArchiveError extends ConnectionError {
  constructor(
    message: string,
    /** The server's error condition, when it answered with one. */
    readonly condition?: string,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
  /** True when the server keeps no archive for us. */
  get noArchive(): boolean {
    return this.condition !== undefined && NO_ARCHIVE.has(this.condition);
  }
}

/** What the archive feature needs from the session. */
export interface ArchiveOptions {
  /** Our bare JID, lower-case. */
  ownBare: string;
  /**
   * Sends an iq on the live connection; resolves with its result, rejects
   * with xmpp.js's `StanzaError` for an error answer or an `AppError`.
   */
  request(iq: Element): Promise<Element>;
}

/** The archive feature of one session. */
export interface Archive {
  /** Claims archive results (ours are collected, any other dropped); false for other messages. */
  onMessage(stanza: Element): boolean;
  /** Sees every iq: the answer to a query ends its results, at once. */
  onIq(stanza: Element): void;
  /** Pages of a query, see `Session.queryArchive`. */
  query(query?: ArchiveQuery): AsyncIterable<ChatMessage[]>;
}

interface Page {
  messages: ChatMessage[];
  /** Results received, chat messages or not, with their ids. */
  ids: string[];
  complete: boolean;
  first?: string;
  last?: string;
}

interface Collector {
  /** The id of the query's iq: its answer ends the collecting. */
  iqId: string;
  closed: boolean;
  max: number;
  messages: ChatMessage[];
  ids: string[];
  overflow: boolean;
}

function field(name: string, value: string | undefined): Element | undefined {
  return value === undefined
    ? undefined
    : xml("field", { var: name }, xml("value", {}, value));
}

function resultOf(stanza: Element): Element | undefined {
  for (const child of stanza.children) {
    if (
      typeof child !== "string" && child.name === "result" &&
      child.attrs.xmlns === NS_MAM
    ) return child;
  }
  return undefined;
}

/** Creates the archive feature. */
export function createArchive(options: ArchiveOptions): Archive {
  const { ownBare } = options;
  const active = new Map<string, Collector>();

  async function fetchPage(
    query: ArchiveQuery,
    ask: number,
    cursor: { after?: string; before?: string | true },
  ): Promise<Page> {
    const queryId = crypto.randomUUID();
    const iqId = crypto.randomUUID();
    const collector: Collector = {
      iqId,
      closed: false,
      max: ask,
      messages: [],
      ids: [],
      overflow: false,
    };
    const before = cursor.before;
    const iq = xml(
      "iq",
      { type: "set", id: iqId },
      xml(
        "query",
        { xmlns: NS_MAM, queryid: queryId },
        xml(
          "x",
          { xmlns: NS_DATA, type: "submit" },
          xml(
            "field",
            { var: "FORM_TYPE", type: "hidden" },
            xml("value", {}, NS_MAM),
          ),
          field("with", query.with),
          field("start", query.start?.toISOString()),
          field("end", query.end?.toISOString()),
        ),
        xml(
          "set",
          { xmlns: NS_RSM },
          xml("max", {}, String(ask)),
          cursor.after !== undefined && xml("after", {}, cursor.after),
          before !== undefined &&
            xml("before", {}, before === true ? undefined : before),
        ),
      ),
    );
    active.set(queryId, collector);
    let result: Element;
    try {
      result = await options.request(iq);
    } catch (err) {
      if (err instanceof Error && err.name === "StanzaError") {
        const condition = oneLine(
          "condition" in err ? String(err.condition) : "",
          64,
        );
        throw new ArchiveError(
          NO_ARCHIVE.has(condition)
            ? "Cannot read the archive: the server keeps none for this account"
            : `Cannot read the archive: the server refused the query (${condition})`,
          condition,
          { cause: err },
        );
      }
      throw err;
    } finally {
      active.delete(queryId);
    }
    if (collector.overflow) {
      throw new ArchiveError(
        `Cannot read the archive: the server sent more than the ${ask} results asked for`,
      );
    }
    const fin = result.getChild("fin", NS_MAM);
    if (!fin) {
      throw new ArchiveError(
        "Cannot read the archive: the server's answer is not an archive result",
      );
    }
    const set = fin.getChild("set", NS_RSM);
    return {
      messages: collector.messages,
      ids: collector.ids,
      complete: fin.attrs.complete === "true" || fin.attrs.complete === "1",
      first: set?.getChildText("first") ?? undefined,
      last: set?.getChildText("last") ?? undefined,
    };
  }

  return {
    onIq(stanza) {
      if (active.size === 0) return;
      const type = stanza.attrs.type;
      if (type !== "result" && type !== "error") return;
      for (const collector of active.values()) {
        if (collector.iqId === stanza.attrs.id) collector.closed = true;
      }
    },
    onMessage(stanza) {
      const result = resultOf(stanza);
      if (!result) return false;
      const collector = active.get(String(result.attrs.queryid));
      const from = stanza.attrs.from;
      if (
        !collector || collector.closed ||
        (from !== undefined && String(from).toLowerCase() !== ownBare)
      ) return true;
      const id = result.attrs.id ? String(result.attrs.id) : "";
      if (collector.ids.length >= collector.max) {
        collector.overflow = true;
        return true;
      }
      if (!id || id.length > MAX_ID) return true; // not a usable cursor
      collector.ids.push(id);
      const forwarded = unwrapForwarded(result);
      const message = forwarded &&
        toChatMessage(forwarded.message, {
          ownBare,
          source: "archive",
          delay: forwarded.delay,
          stanzaId: id,
        });
      if (message) collector.messages.push(message);
      return true;
    },

    async *query(query = {}) {
      const limit = Math.max(1, Math.min(query.max ?? DEFAULT_MAX, HARD_MAX));
      const pageSize = Math.max(
        1,
        Math.min(query.pageSize ?? DEFAULT_PAGE, MAX_PAGE),
      );
      const backward = query.before !== undefined;
      let cursor = backward ? { before: query.before } : { after: query.after };
      const seen = new Set<string>();
      let total = 0;
      let empty = 0;
      while (total < limit) {
        const page = await fetchPage(
          query,
          Math.min(pageSize, limit - total),
          cursor,
        );
        const fresh = new Set<string>();
        for (const id of page.ids) {
          if (!seen.has(id)) fresh.add(id);
          seen.add(id);
        }
        if (page.ids.length > 0 && fresh.size === 0) {
          throw new ArchiveError(
            "Cannot read the archive: the server sent the same page twice",
          );
        }
        total += fresh.size;
        // Each id once, even when a page repeats one.
        const messages = page.messages.filter((m) => fresh.delete(m.stanzaId!));
        if (messages.length > 0) yield messages;
        if (page.complete) return;
        empty = page.ids.length === 0 ? empty + 1 : 0;
        const next = backward ? page.first : page.last;
        const previous = backward ? cursor.before : cursor.after;
        if (empty > MAX_EMPTY_PAGES || !next || next === previous) {
          throw new ArchiveError(
            "Cannot read the archive: the server does not say where the next page starts",
          );
        }
        cursor = backward ? { before: next } : { after: next };
      }
    },
  };
}
