import { RUN_STATE_NAMES, RunState } from '../../src/runner/run-state';
import type { Trace, TraceColumn } from '../trace';
import { LABEL_FONT_PX, LABEL_ROW_HEIGHT_PX, axisFor, placeLabels, tickLabel, tickValues, timeUnitFor } from './svg-layout';
import type { LabelMark } from './svg-layout';

/** A program step as the run report gives it (StepReport fits). */
export interface SvgStep {
  type: string;
  /** The program's label for the step; the type is shown without one. */
  label?: string | null;
  /** A hold's or maintain step's tolerance band, ± MPa. */
  band_MPa?: number | null;
}

/** A fault of the run (the report's FaultReport fits). */
export interface SvgFault {
  code: number;
  name: string;
  /** Seconds from the start of the run (the first sample out of IDLE). */
  t_s: number;
}

export interface SvgOptions {
  title: string;
  /** The program's steps, by step index (labels the step boundaries, bands the hold error). */
  steps: SvgStep[];
  faults?: SvgFault[];
  /** Most points drawn per series; longer series keep each bucket's min and max. */
  maxPointsPerSeries?: number;
}

export const WIDTH = 1000;
export const HEIGHT = 640;
export const LABEL_ROWS = 3;
/** Step labels go in rows between the legend and the plot. */
export const LABEL_TOP = 56;
const PLOT = { left: 72, right: WIDTH - 24, top: LABEL_TOP + LABEL_ROWS * LABEL_ROW_HEIGHT_PX + 6, bottom: 420 };
/** The hold-error panel, under the pressure plot and on its time axis. */
const ERR = { top: 438, bottom: HEIGHT - 70 };
const HOLDING_TYPES = ['hold', 'maintain'];
const DEFAULT_MAX_POINTS = 4000;

interface Series {
  column: TraceColumn;
  label: string;
  color: string;
  width: number;
  dash: string | null;
}

/**
 * Drawn in this order: the thin true-pressure line over the wider measured one so both show,
 * and the dashed setpoint on top (it runs on the measured curve whenever tracking is good).
 */
const SERIES: Series[] = [
  { column: 'target_MPa', label: 'target', color: '#d62728', width: 1.2, dash: '2 3' },
  { column: 'measured_MPa', label: 'measured (load cell)', color: '#1f77b4', width: 2.4, dash: null },
  { column: 'pressure_MPa', label: 'plant pressure (true)', color: '#ff7f0e', width: 0.8, dash: null },
  { column: 'setpoint_MPa', label: 'setpoint', color: '#2ca02c', width: 1, dash: '6 4' },
];
const LEGEND_ORDER = ['measured_MPa', 'pressure_MPa', 'setpoint_MPa', 'target_MPa'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

/**
 * Indices of the samples to draw so that at most `maxPoints` remain: the samples are split
 * into maxPoints / 2 buckets and each keeps its minimum and its maximum (in time order),
 * so single-sample peaks survive.
 */
export function decimateMinMax(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  const indices: number[] = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) indices.push(i);
    return indices;
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let iMin = start;
    let iMax = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i] < values[iMin]) iMin = i;
      if (values[i] > values[iMax]) iMax = i;
    }
    if (iMin === iMax) indices.push(iMin);
    else if (iMin < iMax) indices.push(iMin, iMax);
    else indices.push(iMax, iMin);
  }
  return indices;
}

const f1 = (value: number) => value.toFixed(1);

interface HoldSegment {
  step: number;
  /** Sample indices [first, end) of the step while it runs. */
  first: number;
  end: number;
}

/** The stretches of the trace spent running a hold or maintain step. */
function holdSegments(trace: Trace, steps: SvgStep[]): HoldSegment[] {
  const step = trace.column('step');
  const state = trace.column('state');
  const segments: HoldSegment[] = [];
  let open: HoldSegment | null = null;
  for (let i = 0; i < trace.length; i++) {
    const index = Math.round(step[i]);
    const holding = index >= 0 && state[i] === RunState.running && HOLDING_TYPES.includes(steps[index]?.type ?? '');
    if (open !== null && (!holding || index !== open.step)) {
      segments.push(open);
      open = null;
    }
    if (holding && open === null) open = { step: index, first: i, end: i + 1 };
    else if (open !== null) open.end = i + 1;
  }
  if (open !== null) segments.push(open);
  return segments;
}

/** The time of the first sample out of IDLE: where the report's times count from. */
function runStartS(trace: Trace): number {
  const state = trace.column('state');
  const time = trace.column('time_s');
  for (let i = 0; i < trace.length; i++) if (state[i] !== RunState.idle) return time[i];
  return trace.length > 0 ? time[0] : 0;
}

function stepName(steps: SvgStep[], index: number): string {
  const step = steps[index];
  if (step === undefined) return `${index + 1} ?`;
  return `${index + 1} ${step.label !== undefined && step.label !== null && step.label !== '' ? step.label : step.type}`;
}

/**
 * Plots a trace as a standalone SVG: measured pressure, true plant pressure, setpoint and
 * target against time, with the step boundaries marked and labelled, the faults named, and
 * under it the hold error (measured − target while a hold or maintain step runs) against
 * each step's tolerance band.
 */
export function traceToSvg(trace: Trace, options: SvgOptions): string {
  const maxPoints = options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS;
  const time = trace.column('time_s');
  const n = trace.length;
  const steps = options.steps;

  let dataMin = 0;
  let dataMax = 0;
  for (const series of SERIES) {
    const values = trace.column(series.column);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v > dataMax) dataMax = v;
      if (v < dataMin) dataMin = v;
    }
  }
  const tFirst = n > 0 ? time[0] : 0;
  const tLast = n > 0 ? time[n - 1] : 1;
  const unit = timeUnitFor(tLast - Math.min(0, tFirst));
  const xAxis = axisFor(Math.min(0, tFirst) / unit.seconds, tLast / unit.seconds, 10);
  const yTop = dataMax > 0 ? dataMax * 1.08 : 1;
  const yAxis = axisFor(dataMin < -0.02 * yTop ? dataMin : 0, yTop, 6);

  const measured = trace.column('measured_MPa');
  const target = trace.column('target_MPa');
  const segments = holdSegments(trace, steps);
  let errorMax = 0;
  for (const segment of segments) {
    errorMax = Math.max(errorMax, steps[segment.step]?.band_MPa ?? 0);
    for (let i = segment.first; i < segment.end; i++) {
      const e = Math.abs(measured[i] - target[i]);
      if (Number.isFinite(e) && e > errorMax) errorMax = e;
    }
  }
  const errAxis = axisFor(-(errorMax > 0 ? errorMax * 1.1 : 1), errorMax > 0 ? errorMax * 1.1 : 1, 4);

  const px = (t: number) => PLOT.left + ((t / unit.seconds - xAxis.min) / (xAxis.max - xAxis.min)) * (PLOT.right - PLOT.left);
  const py = (p: number) => PLOT.bottom - ((p - yAxis.min) / (yAxis.max - yAxis.min)) * (PLOT.bottom - PLOT.top);
  const pe = (e: number) => ERR.bottom - ((e - errAxis.min) / (errAxis.max - errAxis.min)) * (ERR.bottom - ERR.top);
  const xTick = (v: number) => PLOT.left + ((v - xAxis.min) / (xAxis.max - xAxis.min)) * (PLOT.right - PLOT.left);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}"/></clipPath>` +
      `<clipPath id="error-area"><rect x="${PLOT.left}" y="${ERR.top}" width="${PLOT.right - PLOT.left}" height="${ERR.bottom - ERR.top}"/></clipPath></defs>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  );

  // Grid, ticks and tick labels; the time axis is shared by both panels.
  out.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  for (const v of tickValues(xAxis)) {
    out.push(`<line x1="${f1(xTick(v))}" y1="${PLOT.top}" x2="${f1(xTick(v))}" y2="${PLOT.bottom}"/>`, `<line x1="${f1(xTick(v))}" y1="${ERR.top}" x2="${f1(xTick(v))}" y2="${ERR.bottom}"/>`);
  }
  for (const p of tickValues(yAxis)) out.push(`<line x1="${PLOT.left}" y1="${f1(py(p))}" x2="${PLOT.right}" y2="${f1(py(p))}"/>`);
  for (const e of tickValues(errAxis)) out.push(`<line x1="${PLOT.left}" y1="${f1(pe(e))}" x2="${PLOT.right}" y2="${f1(pe(e))}"/>`);
  out.push('</g>');
  out.push('<g class="ticks" fill="#333333">');
  for (const v of tickValues(xAxis)) out.push(`<text x="${f1(xTick(v))}" y="${ERR.bottom + 17}" text-anchor="middle">${tickLabel(v, xAxis.step)}</text>`);
  for (const p of tickValues(yAxis)) out.push(`<text x="${PLOT.left - 7}" y="${f1(py(p) + 4)}" text-anchor="end">${tickLabel(p, yAxis.step)}</text>`);
  for (const e of tickValues(errAxis)) out.push(`<text x="${PLOT.left - 7}" y="${f1(pe(e) + 4)}" text-anchor="end">${tickLabel(e, errAxis.step)}</text>`);
  out.push('</g>');
  out.push(
    `<text class="time-axis" x="${(PLOT.left + PLOT.right) / 2}" y="${ERR.bottom + 38}" text-anchor="middle" font-size="13">time (${unit.name})</text>`,
    `<text transform="translate(20 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">pressure (MPa)</text>`,
    `<text transform="translate(20 ${(ERR.top + ERR.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">hold error (MPa)</text>`,
  );

  // Step boundaries (where the step index changes), the end of the run and the faults; the
  // labels go in rows above the plot, none overlapping another.
  const marks: (LabelMark & { fault: boolean })[] = [];
  if (n > 0) {
    const step = trace.column('step');
    const state = trace.column('state');
    const terminal = (s: number) => s === RunState.complete || s === RunState.aborted || s === RunState.fault;
    for (let i = 0; i < n; i++) {
      if (step[i] >= 0 && (i === 0 || step[i] !== step[i - 1])) {
        marks.push({ x: px(time[i]), text: stepName(steps, Math.round(step[i])), priority: 2, fault: false });
      } else if (i > 0 && terminal(state[i]) && !terminal(state[i - 1])) {
        marks.push({ x: px(time[i]), text: RUN_STATE_NAMES[state[i]] ?? String(state[i]), priority: 1, fault: false });
      }
    }
    const startS = runStartS(trace);
    for (const fault of options.faults ?? []) marks.push({ x: px(startS + fault.t_s), text: `fault ${fault.code} ${fault.name}`, priority: 0, fault: true });
  }
  out.push('<g class="steps">');
  for (const mark of marks) {
    const color = mark.fault ? '#d62728' : '#b0b0b0';
    const cls = mark.fault ? 'fault-marker' : 'step-boundary';
    out.push(
      `<line class="${cls}" x1="${f1(mark.x)}" y1="${PLOT.top}" x2="${f1(mark.x)}" y2="${PLOT.bottom}" stroke="${color}" stroke-width="${mark.fault ? 1.5 : 1}"/>`,
      `<line class="${cls}" x1="${f1(mark.x)}" y1="${ERR.top}" x2="${f1(mark.x)}" y2="${ERR.bottom}" stroke="${color}" stroke-width="${mark.fault ? 1.5 : 1}"/>`,
    );
  }
  for (const label of placeLabels(marks, LABEL_ROWS, PLOT.left, WIDTH - 4)) {
    const fault = marks[label.mark].fault;
    const y = LABEL_TOP + (label.row + 1) * LABEL_ROW_HEIGHT_PX - 2;
    out.push(
      `<text class="${fault ? 'fault-label' : 'step-label'}" x="${f1(label.x)}" y="${y}" data-width="${f1(label.width)}" font-size="${LABEL_FONT_PX}" fill="${fault ? '#d62728' : '#555555'}"${fault ? ' font-weight="bold"' : ''}>${escapeXml(label.text)}</text>`,
    );
  }
  if (n === 0) out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" fill="#777777">no data</text>`);
  out.push('</g>');

  // The curves.
  out.push('<g class="series" clip-path="url(#plot-area)" fill="none" stroke-linejoin="round">');
  for (const series of SERIES) {
    const values = trace.column(series.column);
    const points: string[] = [];
    for (const i of decimateMinMax(values, maxPoints)) {
      if (Number.isFinite(values[i]) && Number.isFinite(time[i])) points.push(`${f1(px(time[i]))},${f1(py(values[i]))}`);
    }
    const dash = series.dash === null ? '' : ` stroke-dasharray="${series.dash}"`;
    out.push(`<polyline data-series="${series.column}" stroke="${series.color}" stroke-width="${series.width}"${dash} points="${points.join(' ')}"/>`);
  }
  out.push('</g>');

  // The hold error: each step's band, then its error curve.
  out.push('<g class="hold-error" clip-path="url(#error-area)">');
  out.push(`<line x1="${PLOT.left}" y1="${f1(pe(0))}" x2="${PLOT.right}" y2="${f1(pe(0))}" stroke="#999999" stroke-width="1"/>`);
  let holdSamples = 0;
  for (const segment of segments) holdSamples += segment.end - segment.first;
  for (const segment of segments) {
    const band = steps[segment.step]?.band_MPa;
    if (band === undefined || band === null || !(band > 0)) continue;
    const x0 = px(time[segment.first]);
    const x1 = px(time[segment.end - 1]);
    out.push(`<rect class="tolerance-band" data-step="${segment.step}" x="${f1(x0)}" y="${f1(pe(band))}" width="${f1(Math.max(1, x1 - x0))}" height="${f1(pe(-band) - pe(band))}" fill="#2ca02c" fill-opacity="0.15" stroke="#2ca02c" stroke-opacity="0.5" stroke-width="0.5"/>`);
  }
  for (const segment of segments) {
    const count = segment.end - segment.first;
    const errors = new Float64Array(count);
    for (let k = 0; k < count; k++) errors[k] = measured[segment.first + k] - target[segment.first + k];
    const budget = Math.max(2, Math.round((maxPoints * count) / holdSamples));
    const points: string[] = [];
    for (const k of decimateMinMax(errors, budget)) {
      if (Number.isFinite(errors[k])) points.push(`${f1(px(time[segment.first + k]))},${f1(pe(errors[k]))}`);
    }
    out.push(`<polyline data-series="hold_error" data-step="${segment.step}" fill="none" stroke="#1f77b4" stroke-width="1" points="${points.join(' ')}"/>`);
  }
  out.push('</g>');
  if (segments.length === 0) out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${(ERR.top + ERR.bottom) / 2 + 4}" text-anchor="middle" fill="#777777">no hold or maintain step ran</text>`);

  // Plot frames.
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#555555" stroke-width="1"/>`);
  out.push(`<rect x="${PLOT.left}" y="${ERR.top}" width="${PLOT.right - PLOT.left}" height="${ERR.bottom - ERR.top}" fill="none" stroke="#555555" stroke-width="1"/>`);

  // Legend, in one row under the title.
  out.push('<g class="legend">');
  let x = PLOT.left;
  for (const column of LEGEND_ORDER) {
    const series = SERIES.find((s) => s.column === column) as Series;
    const dash = series.dash === null ? '' : ` stroke-dasharray="${series.dash}"`;
    out.push(
      `<line x1="${x}" y1="40" x2="${x + 26}" y2="40" stroke="${series.color}" stroke-width="${Math.max(series.width, 1.2)}"${dash}/>`,
      `<text x="${x + 32}" y="44">${escapeXml(series.label)}</text>`,
    );
    x += 40 + series.label.length * 6.5;
  }
  out.push('</g>');

  out.push('</svg>');
  return out.join('\n') + '\n';
}
