/** What changed between two texts, line by line. */
export interface LineDiff {
  /** Lines of `before` that are not in `after`, in order. */
  removed: string[];
  /** Lines of `after` that are not in `before`, in order. */
  added: string[];
}

/** A longest-common-subsequence diff of the lines of two (small) texts. */
export function lineDiff(before: string, after: string): LineDiff {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from(
    { length: a.length + 1 },
    () => new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j]
        ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const diff: LineDiff = { removed: [], added: [] };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (
      j >= b.length || (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)
    ) {
      diff.removed.push(a[i++]!);
    } else {
      diff.added.push(b[j++]!);
    }
  }
  return diff;
}
