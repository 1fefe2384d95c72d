/**
 * Where to connect: an explicit server, or the domain's SRV records
 * (`_xmpps-client` for direct TLS per XEP-0368, `_xmpp-client` per RFC 6120),
 * falling back to the domain on port 5222.
 */

import { ConfigError } from "../errors.ts";

/** At most this many SRV targets are tried: DNS answers are input too. */
const MAX_CANDIDATES = 16;

/** One place to try, as an xmpp.js service URI. */
export type Candidate = string;

/** An SRV record as `Deno.resolveDns` returns it, with its scheme. */
export interface SrvTarget {
  priority: number;
  weight: number;
  port: number;
  target: string;
  directTls: boolean;
}

function uri(directTls: boolean, host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `${directTls ? "xmpps" : "xmpp"}://${h}:${port}`;
}

/**
 * Orders SRV targets: lower priority first, then higher weight, direct TLS
 * before STARTTLS at equal priority and weight. A lone "." target means the
 * service is not offered.
 */
export function orderSrv(records: SrvTarget[]): Candidate[] {
  return records
    .filter((r) => r.target !== "." && r.target !== "")
    .sort((a, b) =>
      a.priority - b.priority || b.weight - a.weight ||
      Number(b.directTls) - Number(a.directTls)
    )
    .map((r) => uri(r.directTls, r.target.replace(/\.$/, ""), r.port))
    .slice(0, MAX_CANDIDATES);
}

/** True when a failed candidate is worth trying the next one: nothing answered there. */
export function worthAnotherCandidate(err: unknown): boolean {
  const code = err && typeof err === "object" && "code" in err ? err.code : "";
  return code === "ECONNREFUSED" || code === "ENOTFOUND" ||
    err instanceof Deno.errors.ConnectionRefused;
}

function invalidServer(server: string): ConfigError {
  return new ConfigError(
    `Invalid server "${server}": expected a host name, an address, or xmpp://host:port or xmpps://host:port`,
    { hint: "Fix XMPP_SERVER or --server" },
  );
}

/**
 * Turns the configured server into candidates. `server` may be a host name,
 * an address, or an `xmpp://` or `xmpps://` URI; without one the domain's
 * SRV records decide. A malformed `server` is a `ConfigError`.
 *
 * Requires net permission for DNS when no server is given.
 */
export async function resolveCandidates(options: {
  domain: string;
  server?: string;
  port?: number;
  directTls?: boolean;
}): Promise<Candidate[]> {
  const { server, port, domain } = options;
  if (server) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(server) && !/^[^:]+:\d+$/.test(server)) {
      const url = URL.parse(server);
      if (
        !url || !/^xmpps?:$/.test(url.protocol) || !url.hostname ||
        url.pathname.replace(/^\/$/, "") || url.search || url.hash ||
        url.username
      ) throw invalidServer(server);
      if (port && !url.port) url.port = String(port);
      return [url.toString().replace(/\/$/, "")];
    }
    if (
      !/^(\[[0-9a-f:.]+\]|[^\s\/?#@\[\]:]+|[0-9a-f:.]*:[0-9a-f:.]*)$/i.test(
        server,
      )
    ) {
      throw invalidServer(server);
    }
    const directTls = options.directTls ?? port === 5223;
    return [uri(directTls, server, port ?? (directTls ? 5223 : 5222))];
  }
  const lookups = await Promise.all(
    ([["_xmpps-client", true], ["_xmpp-client", false]] as const).map(
      async ([service, directTls]) => {
        try {
          const records = await Deno.resolveDns(
            `${service}._tcp.${domain}`,
            "SRV",
          );
          return records.map((r) => ({ ...r, directTls }));
        } catch {
          return [];
        }
      },
    ),
  );
  const ordered = orderSrv(lookups.flat());
  return ordered.length > 0 ? ordered : [uri(false, domain, port ?? 5222)];
}
