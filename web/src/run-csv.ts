/** A run log's CSV (LOG:DATA?), read by its header's column names. */
import { csvFields } from '../../host-sim/output/run-log-table';

export { csvFields };
export interface RunTable {
  columns: string[];
  rows: string[][];
}

export function parseRunCsv(text: string): RunTable {
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length === 0) return { columns: [], rows: [] };
  return { columns: csvFields(lines[0]), rows: lines.slice(1).map(csvFields) };
}

/** A numeric column (NaN where a row has none); throws when the log has no such column. */
export function column(table: RunTable, name: string): number[] {
  const index = table.columns.indexOf(name);
  if (index < 0) throw new Error(`the run log has no ${name} column (it has ${table.columns.join(', ')})`);
  return table.rows.map((row) => (row[index] === undefined || row[index] === '' ? NaN : Number(row[index])));
}
