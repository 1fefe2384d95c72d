import { sanitizeForTerminal } from "../text/sanitize.ts";

/**
 * Rows as aligned columns, two spaces apart, one line each; any number of
 * rows. Cells are measured as they will show, after sanitising.
 */
export function formatTable(table: string[][]): string {
  const rows = table.map((row) => row.map(sanitizeForTerminal));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((
      cell,
      i,
    ) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  let out = "";
  for (const row of rows) {
    out += row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd() + "\n";
  }
  return out;
}
