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
  return table;
}
