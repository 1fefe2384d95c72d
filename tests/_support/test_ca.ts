/**
 * The generated test CA and its leaf certificate for `localhost`, shared by
 * every test server (Prosody, ejabberd) so one `XMPP_CA_FILE` trusts them all.
 */
import { join } from "node:path";
import { runTool } from "./_process.ts";

/** Files written by {@linkcode makeTestCertificates}, all in one directory. */
export interface TestCertificates {
  /** PEM of the test CA (`ca.pem`): what clients trust. */
  caFile: string;
  /** PEM of the leaf certificate (`localhost.crt`), valid for `localhost` and `sha1.localhost`. */
  certFile: string;
  /** PEM of the leaf's unencrypted EC key (`localhost.key`). */
  keyFile: string;
}

const OPENSSL_HINT = "apt-get install openssl";

/**
 * Writes a fresh CA (`/CN=pidgin test CA`, two days) and a leaf certificate for
 * `localhost` and `sha1.localhost` signed by it into `dir`, which must exist.
 *
 * Requires `--allow-run=openssl` and write access to `dir`.
 */
export async function makeTestCertificates(
  dir: string,
): Promise<TestCertificates> {
  const openssl = (args: string[]) =>
    runTool("openssl", args, { cwd: dir, installHint: OPENSSL_HINT });
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=pidgin test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ]);
  await openssl([
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "localhost.key",
    "-out",
    "localhost.csr",
  ]);
  await Deno.writeTextFile(
    join(dir, "leaf.ext"),
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
      "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:sha1.localhost\n",
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    "localhost.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
    "-out",
    "localhost.crt",
  ]);
  return {
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "localhost.crt"),
    keyFile: join(dir, "localhost.key"),
  };
}
