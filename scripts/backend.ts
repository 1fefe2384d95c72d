/**
 * `deno task backend`: the ticket backend of docs/ticket-api.yaml, in memory,
 * on 127.0.0.1 (the contract server the tests use), for trying `pidgin ticket
 * …` and `/ticket` by hand. Prints the two settings to export; Ctrl-C stops it.
 */
import { startContractServer } from "../tests/_support/contract_server.ts";

await using server = startContractServer();
console.log(`export API_BASE_URL=${server.url}`);
console.log(`export API_TOKEN=${server.token}`);
console.error(
  "backend: tickets live in memory until Ctrl-C; run the two lines above in the shell you run pidgin in",
);
await new Promise<void>((resolve) => {
  Deno.addSignalListener("SIGINT", () => resolve());
});
