/** The settings pidgin reads, validated with zod. */
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

/** Environment variables (and `.env` keys) pidgin understands. */
export const EnvSchema = z.object({
  XMPP_JID: z.string().trim().regex(/^[^@/\s]+@[^@/\s]+$/).optional(),
  XMPP_PASSWORD: z.string().min(1).optional(),
  XMPP_SERVER: z.string().trim().min(1).optional(),
  XMPP_PORT: port.optional(),
  XMPP_RESOURCE: z.string().trim().min(1).max(1023).optional(),
  XMPP_CA_FILE: z.string().trim().min(1).optional(),
  PURPLE_HOME: z.string().trim().min(1).optional(),
  PIDGIN_LOG_FORMAT: z.enum(["txt", "html"]).optional(),
  PIDGIN_LOG: z.enum(["on", "off"]).optional(),
  API_BASE_URL: z.url().optional(),
  API_TOKEN: z.string().min(1).optional(),
  API_TIMEOUT: z.coerce.number().positive().max(600).optional(),
  TICKET_CONTEXT_LINES: z.coerce.number().int().min(0).max(500).optional(),
  TICKET_SYNC_INTERVAL: z.coerce.number().positive().max(86400).optional(),
  PIDGIN_BELL: z.enum(["on", "off"]).optional(),
});

/** Validated environment. */
export type Env = z.infer<typeof EnvSchema>;

/** What each variable should hold, for error messages. */
export const EXPECTED: Record<keyof Env, string> = {
  XMPP_JID: "a bare JID such as you@example.com",
  XMPP_PASSWORD: "the account's password",
  XMPP_SERVER: "a host name, an address, or an xmpp:// or xmpps:// URI",
  XMPP_PORT: "a port number from 1 to 65535",
  XMPP_RESOURCE: "a resource name such as laptop",
  XMPP_CA_FILE: "the path of a PEM file with CA certificates",
  PURPLE_HOME: "the path of a Pidgin profile directory",
  PIDGIN_LOG_FORMAT: '"txt" or "html"',
  PIDGIN_LOG: '"on" or "off" (default: as Pidgin\'s prefs.xml says, else on)',
  API_BASE_URL: "an http:// or https:// URL",
  API_TOKEN: "the ticket backend's API token",
  API_TIMEOUT: "seconds to wait for the ticket backend, above 0 (default 5)",
  TICKET_CONTEXT_LINES: "a number of log lines from 0 to 500 (default 20)",
  TICKET_SYNC_INTERVAL:
    "seconds between ticket syncs in interactive mode (default 30)",
  PIDGIN_BELL: '"on" (default) or "off"',
};
