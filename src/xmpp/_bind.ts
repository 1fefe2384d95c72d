/**
 * Resource binding (RFC 6120, section 7), checking what the server answers:
 * replaces `@xmpp/resource-binding`, which throws a `TypeError` on an empty
 * answer and takes any address the server names as ours.
 */
import { UsageError } from "../errors.ts";
import { BindError, oneLine } from "./_failures.ts";
import { assertXmlText } from "./_xml_chars.ts";
import {
  type Element,
  type IqCaller,
  parseJid,
  type StreamFeatures,
  xml,
} from "./_xmpp_js.ts";

const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";

/** Throws `UsageError` for a resource that cannot be sent: empty, or with a character XML forbids. */
export function assertResource(resource: string): void {
  assertXmlText(resource, "the resource");
  if (!resource.trim()) throw new UsageError("Invalid resource: it is empty");
}

/** Registers resource binding of `resource` (or one the server picks) for `bareJid`. */
export function bindResource(
  plugins: { streamFeatures: StreamFeatures; iqCaller: IqCaller },
  bareJid: string,
  resource: string | undefined,
): void {
  plugins.streamFeatures.use("bind", NS_BIND, async ({ entity }, next) => {
    let result: Element | undefined;
    try {
      result = await plugins.iqCaller.set(
        xml(
          "bind",
          { xmlns: NS_BIND },
          resource && xml("resource", {}, resource),
        ),
      );
    } catch (err) {
      if (!(err instanceof Error && err.name === "StanzaError")) throw err;
      const condition = "condition" in err ? String(err.condition) : "";
      throw new BindError(
        `the server refused to bind the resource${
          resource ? ` "${resource}"` : ""
        } (${oneLine(condition, 64)})`,
        { cause: err },
      );
    }
    const jid = result?.getChildText("jid") ?? "";
    let bound;
    try {
      bound = parseJid(jid);
    } catch {
      throw new BindError("the server bound an address that is not a JID");
    }
    if (bound.bare().toString().toLowerCase() !== bareJid || !bound.resource) {
      throw new BindError(
        `the server bound "${
          oneLine(jid, 100)
        }", which is not an address of "${bareJid}"`,
      );
    }
    const internals = entity as unknown as {
      _jid(jid: string): void;
      _ready(resumed: boolean): void;
    };
    internals._jid(jid);
    internals._ready(false);
    return next();
  });
}
