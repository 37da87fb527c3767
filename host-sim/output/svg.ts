import { RUN_STATE_NAMES, RunState } from '../../src/runner/run-state';
import type { Trace, TraceColumn } from '../trace';

export interface SvgOptions {
  title: string;
  /** Type of each program step, by step index (labels the step boundaries). */
  stepTypes: string[];
  /** Most points drawn per series; longer series keep each bucket's min and max. */
  maxPointsPerSeries?: number;
}

const WIDTH = 1000;
const HEIGHT = 500;
const PLOT = { left: 72, right: WIDTH - 24, top: 66, bottom: HEIGHT - 52 };
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

/** A round tick step giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

interface Axis {
  min: number;
  max: number;
  step: number;
}

function axisFor(min: number, max: number, count: number): Axis {
  if (!(max > min)) max = min + 1;
  const step = niceStep(max - min, count);
  return { min: Math.floor(min / step + 1e-9) * step, max: Math.ceil(max / step - 1e-9) * step, step };
}

function tickValues(axis: Axis): number[] {
  const ticks: number[] = [];
  const count = Math.round((axis.max - axis.min) / axis.step);
  for (let k = 0; k <= count; k++) ticks.push(axis.min + k * axis.step);
  return ticks;
}

function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = value.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

const f1 = (value: number) => value.toFixed(1);

/**
 * Plots a trace as a standalone SVG: measured pressure, true plant pressure, setpoint and
 * target against time, with the step boundaries marked and labelled.
 */
export function traceToSvg(trace: Trace, options: SvgOptions): string {
  const maxPoints = options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS;
  const time = trace.column('time_s');
  const n = trace.length;

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
  const xAxis = axisFor(Math.min(0, tFirst), tLast, 10);
  // Headroom above the highest curve keeps it clear of the step labels.
  const yTop = dataMax > 0 ? dataMax * 1.18 : 1;
  const yAxis = axisFor(dataMin < -0.02 * yTop ? dataMin : 0, yTop, 6);

  const px = (t: number) => PLOT.left + ((t - xAxis.min) / (xAxis.max - xAxis.min)) * (PLOT.right - PLOT.left);
  const py = (p: number) => PLOT.bottom - ((p - yAxis.min) / (yAxis.max - yAxis.min)) * (PLOT.bottom - PLOT.top);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}"/></clipPath></defs>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  );

  // Grid, ticks and tick labels.
  out.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  for (const t of tickValues(xAxis)) out.push(`<line x1="${f1(px(t))}" y1="${PLOT.top}" x2="${f1(px(t))}" y2="${PLOT.bottom}"/>`);
  for (const p of tickValues(yAxis)) out.push(`<line x1="${PLOT.left}" y1="${f1(py(p))}" x2="${PLOT.right}" y2="${f1(py(p))}"/>`);
  out.push('</g>');
  out.push('<g class="ticks" fill="#333333">');
  for (const t of tickValues(xAxis)) {
    out.push(`<text x="${f1(px(t))}" y="${PLOT.bottom + 17}" text-anchor="middle">${tickLabel(t, xAxis.step)}</text>`);
  }
  for (const p of tickValues(yAxis)) {
    out.push(`<text x="${PLOT.left - 7}" y="${f1(py(p) + 4)}" text-anchor="end">${tickLabel(p, yAxis.step)}</text>`);
  }
  out.push('</g>');
  out.push(
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="13">time (s)</text>`,
    `<text transform="translate(20 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">pressure (MPa)</text>`,
  );

  // Step boundaries (where the step index changes) and the end of the run.
  out.push('<g class="steps">');
  if (n > 0) {
    const step = trace.column('step');
    const state = trace.column('state');
    const terminal = (s: number) => s === RunState.complete || s === RunState.aborted || s === RunState.fault;
    let lastLabelX = -Infinity;
    for (let i = 0; i < n; i++) {
      let label: string | null = null;
      if (step[i] >= 0 && (i === 0 || step[i] !== step[i - 1])) {
        const index = Math.round(step[i]);
        label = `${index + 1} ${options.stepTypes[index] ?? '?'}`;
      } else if (i > 0 && terminal(state[i]) && !terminal(state[i - 1])) {
        label = RUN_STATE_NAMES[state[i]] ?? String(state[i]);
      }
      if (label === null) continue;
      const x = px(time[i]);
      const labelX = Math.max(x, lastLabelX + 11);
      lastLabelX = labelX;
      out.push(
        `<line x1="${f1(x)}" y1="${PLOT.top}" x2="${f1(x)}" y2="${PLOT.bottom}" stroke="#b0b0b0" stroke-width="1"/>`,
        `<text class="step-label" transform="translate(${f1(labelX + 10)} ${PLOT.top + 4}) rotate(-90)" text-anchor="end" font-size="10" fill="#555555" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${escapeXml(label)}</text>`,
      );
    }
  } else {
    out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" fill="#777777">no data</text>`);
  }
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

  // Plot frame.
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#555555" stroke-width="1"/>`);

  // Legend, in one row between the title and the plot.
  out.push('<g class="legend">');
  let x = PLOT.left;
  for (const column of LEGEND_ORDER) {
    const series = SERIES.find((s) => s.column === column) as Series;
    const dash = series.dash === null ? '' : ` stroke-dasharray="${series.dash}"`;
    out.push(
      `<line x1="${x}" y1="46" x2="${x + 26}" y2="46" stroke="${series.color}" stroke-width="${Math.max(series.width, 1.2)}"${dash}/>`,
      `<text x="${x + 32}" y="50">${escapeXml(series.label)}</text>`,
    );
    x += 40 + series.label.length * 6.5;
  }
  out.push('</g>');

  out.push('</svg>');
  return out.join('\n') + '\n';
}
