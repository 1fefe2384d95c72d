/**
 * Incoming chat messages to the message handler: what arrived together (one
 * read from the socket, one archive page) goes as one batch, one batch at a
 * time, in order; only once the handler resolved does a message count as
 * handled for stream management and get its receipt. While archive
 * catch-up runs, live messages wait (bounded), so logs stay in order. A
 * message seen before in this session is not handed over again (see
 * `fresh`). Without a handler, `message` events fire at once, as before.
 */
import type { Emitter } from "./_emitter.ts";
import type { StreamManagement } from "./stream_management.ts";
import type { ChatMessage, MessageHandler, SessionEvents } from "./types.ts";

/**
 * Keys remembered to drop a message seen twice (one per message), per
 * generation. In a session copies come close together (a resume, a carbon
 * and its archived copy); the ledger knows the rest across runs.
 */
const REMEMBERED = 5_000;
/** Live messages kept back during catch-up; beyond it archived ones are left to the archive. */
const MAX_HELD = 10_000;
/**
 * Messages waiting for the handler above which reading from the server
 * pauses, and below which it goes on. Enough to keep the log writer busy;
 * more would only hold parsed messages in memory (a flood of 100,000 grew
 * the process by ~50 MB at 10,000) while the kernel can buffer them.
 */
const BACKLOG_HIGH = 2_000;
const BACKLOG_LOW = 500;

interface Batch {
  messages: ChatMessage[];
  /** Mark the messages handled (XEP-0198). */
  releases: (() => void)[];
  /** Receipts to send once handled. */
  answers: (() => void)[];
  /** Called with how many messages were new, once handled. */
  done?: (count: number) => void;
}

/** The way incoming chat messages go. */
export interface Delivery {
  setHandler(handler: MessageHandler): void;
  readonly hasHandler: boolean;
  /** We sent message `id`: its copies (archive) are not handed over. */
  ownSent(id: string): void;
  /** A live message or carbon being dispatched now; `answer` sends its receipt. */
  incoming(message: ChatMessage, answer?: () => void): void;
  /** The elements of one read were dispatched: what they brought is one batch. */
  endOfRead(): void;
  /** Hands an archive page over; resolves with how many were new, once handled. */
  page(messages: ChatMessage[]): Promise<number>;
  /**
   * Keeps live messages back until `releaseLive()` with the number returned;
   * a later hold makes the releases of earlier ones do nothing.
   */
  holdLive(): number;
  releaseLive(hold: number): void;
  /**
   * True when, since the last call, live messages with an archive id were
   * dropped because too many waited: the archive must be read on.
   */
  takeOverflow(): boolean;
}

function newBatch(): Batch {
  return { messages: [], releases: [], answers: [] };
}

/** Creates the delivery of one session. */
export function createDelivery(
  events: Emitter<SessionEvents>,
  sm: StreamManagement,
  /** The handler is far behind (`true`: stop reading), or caught up again. */
  backlog: (on: boolean) => void = () => {},
): Delivery {
  let handler: MessageHandler | undefined;
  let current = newBatch();
  const queue: Batch[] = [];
  let queued = 0;
  let backlogged = false;
  let running = false;
  let holding = false;
  let holds = 0;
  let held: Batch[] = [];
  let heldCount = 0;
  let overflow = false;
  // Two generations: a key is forgotten after 2 × REMEMBERED newer ones.
  let seen = new Set<string>();
  let older = new Set<string>();
  const known = (key: string) => seen.has(key) || older.has(key);

  function remember(key: string): void {
    if (seen.size >= REMEMBERED) {
      older = seen;
      seen = new Set();
    }
    seen.add(key);
  }

  /**
   * True the first time a message is seen: by its archive id; without one
   * (a server with no archive), a delayed copy of a message we already had
   * (offline storage after a failed resume) by contact, id and length.
   */
  function fresh(message: ChatMessage): boolean {
    const { stanzaId, id, direction } = message;
    if (direction === "out" && known(`o${message.originId ?? id}`)) {
      return false; // one this session sent: logged before it went
    }
    if (stanzaId !== undefined) {
      const key = `s${stanzaId}`;
      if (known(key)) return false;
      remember(key);
    } else if (id !== undefined) {
      const key =
        `${direction}${message.contact}\0${id}\0${message.body.length}`;
      if (message.delayed && known(key)) return false;
      remember(key);
    }
    return true;
  }

  async function run(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const batch = queue.shift()!;
      const messages = batch.messages.filter(fresh);
      if (messages.length > 0 && handler) {
        try {
          await handler(messages);
        } catch {
          // A rejection counts as dropped: the stream must go on.
        }
      }
      for (const release of batch.releases) release();
      for (const answer of batch.answers) answer();
      sm.ackIfBehind();
      for (const m of messages) events.emit("message", m);
      batch.done?.(messages.length);
      queued -= batch.messages.length;
      if (backlogged && queued < BACKLOG_LOW) backlog(backlogged = false);
    }
    running = false;
  }

  function enqueue(batch: Batch): void {
    queue.push(batch);
    queued += batch.messages.length;
    if (!backlogged && queued > BACKLOG_HIGH) backlog(backlogged = true);
    if (!running) void run();
  }

  function keep(batch: Batch): void {
    if (heldCount + batch.messages.length > MAX_HELD) {
      // Archived ones are read from the archive instead; the rest is kept.
      const kept = newBatch();
      batch.messages.forEach((m, i) => {
        if (m.stanzaId === undefined) {
          kept.messages.push(m);
          kept.releases.push(batch.releases[i]!);
        } else {
          batch.releases[i]!();
          overflow = true;
        }
      });
      kept.answers = batch.answers;
      batch = kept;
    }
    heldCount += batch.messages.length;
    held.push(batch);
  }

  return {
    setHandler(h) {
      handler = h;
    },
    ownSent(id) {
      remember(`o${id}`);
    },
    get hasHandler() {
      return handler !== undefined;
    },
    incoming(message, answer) {
      if (!handler) {
        if (!fresh(message)) return;
        events.emit("message", message);
        answer?.();
        return;
      }
      current.messages.push(message);
      current.releases.push(sm.hold());
      if (answer) current.answers.push(answer);
    },
    endOfRead() {
      if (current.messages.length === 0) return;
      const batch = current;
      current = newBatch();
      if (holding) keep(batch);
      else enqueue(batch);
    },
    page(messages) {
      if (!handler) {
        const news = messages.filter(fresh);
        for (const m of news) events.emit("message", m);
        return Promise.resolve(news.length);
      }
      return new Promise((resolve) =>
        enqueue({ messages, releases: [], answers: [], done: resolve })
      );
    },
    holdLive() {
      holding = true;
      return ++holds;
    },
    releaseLive(hold) {
      if (hold !== holds || !holding) return;
      holding = false;
      const batches = held;
      held = [];
      heldCount = 0;
      for (const batch of batches) enqueue(batch);
    },
    takeOverflow() {
      const was = overflow;
      overflow = false;
      return was;
    },
  };
}
