/** Renders rows as left-aligned columns separated by two spaces, with a header row when given. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string>>, header?: ReadonlyArray<string>): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: ReadonlyArray<string>): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n') + '\n';
}
