/** The operator advice of docs/faults.md's code table, by code: the page shows it beside a latched fault. */
export interface FaultAdvice {
  name: string;
  advice: string;
}

/** Reads the rows `| code | NAME | what | reaction | reset | advice |` of the table under "## Codes". */
export function faultAdviceTable(markdown: string): Map<number, FaultAdvice> {
  const table = new Map<number, FaultAdvice>();
  const start = markdown.indexOf('\n## Codes');
  if (start < 0) return table;
  for (const line of markdown.slice(start).split('\n')) {
    if (!line.startsWith('| ')) continue;
    const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim());
    const code = Number(cells[0]);
    if (!Number.isInteger(code) || code < 100 || cells.length < 3) continue;
    table.set(code, { name: cells[1], advice: cells[cells.length - 1].replace(/`/g, '') });
  }
  // "As 201." and "As 101; check the frame": the page shows the advice referred to as well.
  for (const entry of table.values()) {
    const reference = /^As (\d{3})\b/.exec(entry.advice);
    const referred = reference === null ? undefined : table.get(Number(reference[1]));
    if (referred !== undefined) entry.advice = `${entry.advice} (${reference![1]}: ${referred.advice})`;
  }
  return table;
}
