/** Plain-text columns, each at most 80 characters wide (longer cells end in …). */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.min(80, Math.max(...rows.map((r) => (r[i] ?? '').length))));
  return rows.map((r) => r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** "1 match", "2 matches": a count and its noun. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
