/**
 * The incoming half of xmpp.js's middleware (`@xmpp/middleware`), which its
 * iq and stream-features packages plug into. Replaced because that package
 * depends on koa-compose, a CommonJS module: loading it starts Deno's
 * CommonJS loader, about 18 ms of every start (a third of the module loading
 * of a one-shot `send`), and it composed the handler chain anew for every
 * stanza received. The contract is the same: handlers run in the order they
 * were added, each calls `next()` to pass the stanza on; what the chain
 * returns is sent as the reply; a failure is emitted as `error`. The
 * outgoing half (`filter`) is left out: nothing of ours or theirs uses it.
 */
import type { Element } from "ltx";

/** What a handler sees of a received element. */
export interface IncomingContext {
  stanza: Element;
  entity: MiddlewareEntity;
  name: string;
  id: string;
  type: string;
  /** Set by the iq callee to the request's payload. */
  element?: Element;
}

/** A handler: answers, or passes on with `next()`. */
export type Handler = (
  ctx: IncomingContext,
  next: () => Promise<unknown>,
) => unknown;

/** What the middleware needs of the connection entity. */
export interface MiddlewareEntity {
  on(event: "element", listener: (element: Element) => void): void;
  send(element: Element): Promise<void>;
  emit(event: "error", err: unknown): void;
}

function defaultType(stanza: Element): string {
  const type = stanza.attrs.type;
  if (type) return String(type);
  if (stanza.name === "message") return "normal";
  if (stanza.name === "presence") return "available";
  return "";
}

function run(handlers: readonly Handler[], ctx: IncomingContext) {
  let index = -1;
  const dispatch = (i: number): Promise<unknown> => {
    if (i <= index) {
      return Promise.reject(new Error("next() called multiple times"));
    }
    index = i;
    const handler = handlers[i];
    if (!handler) return Promise.resolve();
    try {
      return Promise.resolve(handler(ctx, () => dispatch(i + 1)));
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return dispatch(0);
}

/** Runs `use`d handlers on every element `entity` receives. */
export function createMiddleware(entity: MiddlewareEntity): {
  use(fn: Handler): Handler;
} {
  const handlers: Handler[] = [];
  entity.on("element", (stanza) => {
    const ctx: IncomingContext = {
      stanza,
      entity,
      name: stanza.name,
      id: String(stanza.attrs.id ?? ""),
      type: defaultType(stanza),
    };
    run(handlers, ctx)
      .then((reply) => reply ? entity.send(reply as Element) : undefined)
      .catch((err) => entity.emit("error", err));
  });
  return {
    use(fn) {
      handlers.push(fn);
      return fn;
    },
  };
}
