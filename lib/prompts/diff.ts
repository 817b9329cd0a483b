export type DiffLine = {
  op: "equal" | "add" | "remove";
  text: string;
  old_line: number | null;
  new_line: number | null;
};

/** A line diff by longest common subsequence (prompts are small: O(n·m) is fine up to a few thousand lines). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: "equal", text: a[i] as string, old_line: i + 1, new_line: j + 1 });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push({ op: "remove", text: a[i] as string, old_line: i + 1, new_line: null });
      i++;
    } else {
      out.push({ op: "add", text: b[j] as string, old_line: null, new_line: j + 1 });
      j++;
    }
  }
  return out;
}
