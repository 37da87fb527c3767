/**
 * A run's samples as CSV, a page of rows at a time (an answer must fit the output buffer):
 * `t_s,step,state,pressure_MPa`, time from the start of the run, step 1-based.
 */
import { RUN_STATE_NAMES } from '../runner/run-state';
import type { RunLog } from '../store/run-journal';

export const RUN_LOG_CSV_HEADER = 't_s,step,state,pressure_MPa\n';

/** Samples the log holds. */
export function runLogRowCount(log: RunLog): number {
  let rows = 0;
  for (const segment of log.segments) rows += segment.pressuresMPa.length;
  return rows;
}

/** Rows firstRow … firstRow + maxRows − 1; the header line comes with row 0. */
export function runLogCsv(log: RunLog, firstRow: number, maxRows: number): string {
  const originMs = log.startFound ? log.run.startMs : log.segments.length > 0 ? log.segments[0].startMs : 0;
  const lines: string[] = firstRow === 0 ? [RUN_LOG_CSV_HEADER] : [];
  let row = 0;
  const end = firstRow + maxRows;
  for (const segment of log.segments) {
    const count = segment.pressuresMPa.length;
    if (row + count <= firstRow) {
      row += count;
      continue;
    }
    const state = RUN_STATE_NAMES[segment.state] ?? String(segment.state);
    for (let k = 0; k < count && row < end; k++, row++) {
      if (row < firstRow) continue;
      const tS = (segment.startMs + k * segment.intervalMs - originMs) / 1000;
      lines.push(`${tS.toFixed(3)},${segment.step + 1},${state},${segment.pressuresMPa[k].toFixed(3)}\n`);
    }
    if (row >= end) break;
  }
  return lines.join('');
}
