import type { RunReport, StepReport } from '../../src/runner/report';
import type { LayerReport } from '../scenario';
import { deepFreeze } from '../../src/frozen';
import { isNegativeZeroText } from '../../src/text/chars';
import { OUTSIDE_TOLERANCE_RESULT, stepTitle } from '../../src/runner/tolerance-text';

export type Align = 'left' | 'right';

export interface TableColumn<Row> {
  header: string;
  align: Align;
  cell: (row: Row) => string;
}

/** Lays rows out as a fixed-width text table: a header line, a rule, one line per row. */
export function formatFixedWidthTable<Row>(columns: TableColumn<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, c) => cells.reduce((width, line) => Math.max(width, line[c].length), column.header.length));
  const pad = (text: string, c: number) => (columns[c].align === 'left' ? text.padEnd(widths[c]) : text.padStart(widths[c]));
  const line = (texts: string[]) => texts.map(pad).join('  ').trimEnd();
  return [line(columns.map((column) => column.header)), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

/** A number with fixed decimals, "-" when absent; never prints "-0.00". */
export function fixedOrDash(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined) return '-';
  const text = value.toFixed(decimals);
  return isNegativeZeroText(text) ? text.slice(1) : text;
}

const STEP_COLUMNS: TableColumn<StepReport>[] = deepFreeze([
  { header: 'step', align: 'right', cell: (s) => String(s.index + 1) },
  { header: 'type', align: 'left', cell: (s) => s.type },
  { header: 'target MPa', align: 'right', cell: (s) => fixedOrDash(s.target_MPa, 2) },
  { header: 'reached MPa', align: 'right', cell: (s) => fixedOrDash(s.reached_MPa, 2) },
  { header: 'peak MPa', align: 'right', cell: (s) => fixedOrDash(s.peak_MPa, 2) },
  { header: 'overshoot MPa', align: 'right', cell: (s) => fixedOrDash(s.overshoot_MPa, 3) },
  { header: 'band MPa', align: 'right', cell: (s) => fixedOrDash(s.band_MPa, 3) },
  { header: 'hold error p99 MPa', align: 'right', cell: (s) => fixedOrDash(s.hold_error_p99_MPa, 3) },
  { header: 'in band %', align: 'right', cell: (s) => fixedOrDash(s.in_band_percent, 1) },
  { header: 'tolerance', align: 'left', cell: (s) => s.tolerance ?? '-' },
  { header: 'duration s', align: 'right', cell: (s) => fixedOrDash(s.duration_s, 2) },
]);

/**
 * The run report as a fixed-width text table, one line per step that started (1-based step
 * numbers), followed by a summary line with the result, the peak pressure and the run time,
 * and one line for each step outside tolerance, saying by how much.
 */
export function formatStepTable(report: RunReport): string {
  const lines = [`program: ${report.program}`, '', formatFixedWidthTable(STEP_COLUMNS, report.steps), ''];
  let result = `result: ${report.result === 'completed-outside-tolerance' ? OUTSIDE_TOLERANCE_RESULT : report.result}`;
  if (report.fault !== null) {
    result += ` (${report.fault.name} at ${fixedOrDash(report.fault.t_s, 2)} s: ${report.fault.message})`;
  }
  lines.push(`${result}   peak: ${fixedOrDash(report.peak_MPa, 2)} MPa   run time: ${fixedOrDash(report.run_time_s, 2)} s`);
  for (const step of report.steps) {
    if (step.outside_tolerance !== null) lines.push(`  ${stepTitle(step.index, step.label, step.type)}: ${step.outside_tolerance}`);
  }
  return lines.join('\n');
}

const LAYER_COLUMNS: TableColumn<LayerReport & { n: number }>[] = deepFreeze([
  { header: 'layer', align: 'right', cell: (l) => String(l.n) },
  { header: 'material', align: 'left', cell: (l) => l.material },
  { header: 'mass mg', align: 'right', cell: (l) => fixedOrDash(l.mass_mg, 1) },
  { header: 'thickness mm', align: 'right', cell: (l) => fixedOrDash(l.thickness_mm, 4) },
  { header: 'relative density', align: 'right', cell: (l) => fixedOrDash(l.relative_density, 3) },
]);

/** The layers the dry run pressed: material, mass, thickness and relative density. */
export function formatLayerTable(layers: readonly LayerReport[]): string {
  return formatFixedWidthTable(LAYER_COLUMNS, layers.map((layer, k) => ({ ...layer, n: k + 1 })));
}
