import { TRACE_COLUMNS } from '../trace';
import type { Trace, TraceColumn } from '../trace';

/** Decimals written per column; 0 means the column holds integers (step index, run state). */
const DECIMALS: Record<TraceColumn, number> = {
  time_s: 3,
  force_kN: 4,
  pressure_MPa: 4,
  measured_MPa: 4,
  setpoint_MPa: 4,
  target_MPa: 4,
  pump: 4,
  release: 4,
  step: 0,
  state: 0,
};

function formatCell(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = decimals === 0 ? String(Math.round(value)) : value.toFixed(decimals);
  // A tiny negative value rounds to "-0.0000": write it as zero.
  return text.charCodeAt(0) === 45 && /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** The trace as CSV: a header line with the column names, then one line per trace row. */
export function traceToCsv(trace: Trace): string {
  const columns = TRACE_COLUMNS.map((name) => trace.column(name));
  const decimals = TRACE_COLUMNS.map((name) => DECIMALS[name]);
  const lines: string[] = new Array(trace.length + 1);
  lines[0] = TRACE_COLUMNS.join(',');
  const cells: string[] = new Array(columns.length);
  for (let i = 0; i < trace.length; i++) {
    for (let c = 0; c < columns.length; c++) cells[c] = formatCell(columns[c][i], decimals[c]);
    lines[i + 1] = cells.join(',');
  }
  return lines.join('\n') + '\n';
}
