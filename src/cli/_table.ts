/** Rows as aligned columns, two spaces apart, one line each. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((r) => r[i]!.length))
  );
  return rows.map((r) =>
    r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()
  ).join("\n") + "\n";
}
