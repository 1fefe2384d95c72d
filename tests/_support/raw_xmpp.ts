/**
 * A bare XMPP client for tests that must see or send exact XML: what a server
 * offers (SASL mechanisms, stream features), how it answers stream
 * management or an archive query, or a stanza no honest client sends (a forged
 * carbon). It does STARTTLS (or direct TLS) with the test CA, SASL PLAIN and
 * resource binding, then hands over every stanza as an ltx `Element`.
 *
 * @example
 * await using raw = await connectRawXmpp({ ...prosody, jid: "bob@localhost", password: "bob-secret-pw" });
 * await raw.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
 * const enabled = await raw.next((s) => s.is("enabled", "urn:xmpp:sm:3"));
 */
import { type Element, parse } from "ltx";
import { createFramer } from "./_xml_framer.ts";
import { createWaiters } from "./_waiters.ts";

/** Options for {@linkcode connectRawXmpp}. */
export interface RawXmppOptions {
  /** Loopback port: STARTTLS, or direct TLS with `directTls`. */
  port: number;
  /** PEM file of the test CA. */
  caFile: string;
  /** Bare JID of the account; its domain is the TLS name and stream `to`. */
  jid: string;
  password: string;
  /** Resource to bind; the server picks one when absent. */
  resource?: string;
  /**
   * Bind a resource (default). With `false` the session is handed over right
   * after authentication, to resume a stream (`<resume xmlns='urn:xmpp:sm:3'
   * previd='…' h='…'/>`) instead; `jid` is then empty.
   */
  bind?: boolean;
  /** Connect with TLS at once (XEP-0368) instead of STARTTLS. */
  directTls?: boolean;
  /** Limit for each step of logging in, in ms (default 10 000). */
  timeoutMs?: number;
}

/** A logged-in raw session; `await using` closes it. */
export interface RawXmpp extends AsyncDisposable {
  /** The full JID the server bound ("" with `bind: false`). */
  readonly jid: string;
  /** SASL mechanisms the server offered, in its order. */
  readonly mechanisms: string[];
  /** The stream features offered after authentication (bind, sm, csi …). */
  readonly features: Element;
  /** Every element received since binding (or authentication), in order, taken or not. */
  readonly received: Element[];
  /** Everything the server sent, as text (the encrypted part decrypted). */
  readonly log: string;
  /** Resolves when the server ends the stream or the connection closes. */
  readonly closed: Promise<void>;
  /** Sends XML text as it is. */
  send(xml: string): Promise<void>;
  /**
   * Resolves with the first stanza received since binding that `predicate`
   * accepts and no earlier `next()` took; waits for one when there is none.
   * Rejects after `timeoutMs` (default 10 s) or when the stream closed.
   */
  next(
    predicate: (stanza: Element) => boolean,
    timeoutMs?: number,
  ): Promise<Element>;
  /**
   * Resolves with what `probe` returns once it is not `undefined`, checked
   * now and after each stanza received (nothing is taken, unlike `next`);
   * rejects after `timeoutMs` (default 10 s) or once the stream closed.
   */
  until<T>(probe: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Sends an `<iq>` (an `id` is added when it has none) and resolves with its result or error. */
  iq(xml: string, timeoutMs?: number): Promise<Element>;
  /** Ends the stream (`</stream:stream>`) and closes the connection. */
  close(): Promise<void>;
  /** Closes the socket without ending the stream, as a crash or a cut would. */
  destroy(): Promise<void>;
}

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
const encoder = new TextEncoder();

function header(domain: string): string {
  return `<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' ` +
    "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(
    /'/g,
    "&apos;",
  );
}

/** Reads one connection element by element; `restart()` after a new stream header. */
function createReader(conn: Deno.Conn, onText: (text: string) => void) {
  const decoder = new TextDecoder();
  const buf = new Uint8Array(64 * 1024);
  let frame = createFramer();
  let queue: string[] = [];
  let ended = false;
  return {
    restart() {
      frame = createFramer();
      queue = [];
    },
    /** The next top-level element, or null once the stream or connection ended. */
    async next(): Promise<Element | null> {
      while (queue.length === 0) {
        if (ended) return null;
        const n = await conn.read(buf).catch(() => null);
        if (n === null) return null;
        const text = decoder.decode(buf.subarray(0, n), { stream: true });
        onText(text);
        const frames = frame(text);
        queue.push(...frames.elements);
        ended = frames.ended;
      }
      return parse(queue.shift()!);
    },
  };
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) {
    offset += await conn.write(bytes.subarray(offset));
  }
}

/** Connects to 127.0.0.1, logs in with SASL PLAIN and binds a resource. */
export async function connectRawXmpp(
  options: RawXmppOptions,
): Promise<RawXmpp> {
  const [local = "", domain = ""] = options.jid.split("@");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const caCerts = [await Deno.readTextFile(options.caFile)];
  let log = "";
  const onText = (text: string) => (log += text);
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: options.port });
  // TLS names the JID's domain while the socket goes to 127.0.0.1.
  let conn: Deno.Conn = options.directTls
    ? await Deno.startTls(tcp, { hostname: domain, caCerts })
    : tcp;
  let reader = createReader(conn, onText);
  const step = async (what: string): Promise<Element> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${what}`)),
        timeoutMs,
      );
    });
    try {
      const el = await Promise.race([reader.next(), timeout]);
      if (!el) throw new Error(`The server closed the stream before ${what}`);
      return el;
    } finally {
      clearTimeout(timer);
    }
  };
  let mechanisms: string[] = [];
  let features: Element;
  let jid = "";
  try {
    await writeAll(conn, header(domain));
    features = await step("stream features");
    if (!options.directTls) {
      if (!features.getChild("starttls", NS_TLS)) {
        throw new Error("The server offered no STARTTLS");
      }
      await writeAll(conn, `<starttls xmlns='${NS_TLS}'/>`);
      const proceed = await step("<proceed/>");
      if (!proceed.is("proceed")) {
        throw new Error(`STARTTLS refused: ${proceed}`);
      }
      conn = await Deno.startTls(conn as Deno.TcpConn, {
        hostname: domain,
        caCerts,
      });
      reader = createReader(conn, onText);
      await writeAll(conn, header(domain));
      features = await step("stream features after TLS");
    }
    mechanisms = (features.getChild("mechanisms", NS_SASL)?.getChildren(
      "mechanism",
    ) ?? []).map((m) => m.getText());
    const plain = String.fromCharCode(
      ...encoder.encode(`\0${local}\0${options.password}`),
    );
    await writeAll(
      conn,
      `<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${btoa(plain)}</auth>`,
    );
    const outcome = await step("the SASL outcome");
    if (!outcome.is("success")) {
      throw new Error(`SASL PLAIN failed: ${outcome}`);
    }
    reader.restart();
    await writeAll(conn, header(domain));
    features = await step("stream features after SASL");
    if (options.bind ?? true) {
      const resource = options.resource
        ? `<resource>${escape(options.resource)}</resource>`
        : "";
      await writeAll(
        conn,
        `<iq type='set' id='raw-bind'><bind xmlns='${NS_BIND}'>${resource}</bind></iq>`,
      );
      const bound = await step("the bind result");
      jid = bound.getChild("bind", NS_BIND)?.getChildText("jid") ?? "";
      if (!jid) throw new Error(`Binding failed: ${bound}`);
    }
  } catch (err) {
    conn.close();
    throw new Error(
      `Cannot log in raw as "${options.jid}": ${
        err instanceof Error ? err.message : err
      }; the server sent: ${log.slice(-2000)}`,
    );
  }
  return startSession(conn, reader, { jid, mechanisms, features }, () => log);
}

function startSession(
  conn: Deno.Conn,
  reader: ReturnType<typeof createReader>,
  info: { jid: string; mechanisms: string[]; features: Element },
  log: () => string,
): RawXmpp {
  const received: Element[] = [];
  const unread: Element[] = [];
  const waiters = createWaiters();
  let done = false;
  let ids = 0;
  const pump = (async () => {
    for (let el = await reader.next(); el; el = await reader.next()) {
      received.push(el);
      unread.push(el);
      waiters.check();
    }
    done = true;
    waiters.check();
  })();
  const closeSocket = async () => {
    try {
      conn.close();
    } catch { /* closed */ }
    await pump;
    waiters.cancel("the raw XMPP session was closed");
  };
  const raw: RawXmpp = {
    ...info,
    received,
    get log() {
      return log();
    },
    closed: pump,
    send: (xml) => writeAll(conn, xml),
    next(predicate, timeoutMs = 10_000) {
      return waiters.add(
        () => {
          const i = unread.findIndex(predicate);
          if (i >= 0) return unread.splice(i, 1)[0];
          if (done) throw new Error("The stream closed");
          return undefined;
        },
        timeoutMs,
        () => `a stanza; the server sent: ${log().slice(-2000)}`,
      );
    },
    until(probe, timeoutMs = 10_000) {
      return waiters.add(
        () => {
          const value = probe();
          if (value === undefined && done) throw new Error("The stream closed");
          return value;
        },
        timeoutMs,
        () => `a condition; the server sent: ${log().slice(-500)}`,
      );
    },
    async iq(xml, timeoutMs) {
      const el = parse(xml);
      el.attrs.id ??= `raw-${++ids}`;
      await raw.send(el.toString());
      return raw.next(
        (s) =>
          s.is("iq") && s.attrs.id === el.attrs.id &&
          (s.attrs.type === "result" || s.attrs.type === "error"),
        timeoutMs,
      );
    },
    async close() {
      if (!done) await raw.send("</stream:stream>").catch(() => {});
      await closeSocket();
    },
    destroy: closeSocket,
    [Symbol.asyncDispose]() {
      return raw.close();
    },
  };
  return raw;
}
