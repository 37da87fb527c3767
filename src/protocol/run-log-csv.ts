/**
 * A run's samples as CSV, a page of rows at a time (an answer must fit the output buffer):
 * `t_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa`, time from the start of
 * the run, step 1-based, the label quoted; force, setpoint and target empty in samples of the
 * first form. And its step summaries as CSV, one row per STEP record.
 */
import { utf8Length } from '../bytes/utf8';
import { RUN_STATE_NAMES } from '../runner/run-state';
import type { RunLog, StepRecord } from '../store/run-journal';

export const RUN_LOG_CSV_HEADER = 't_s,step,label,state,pressure_MPa,force_kN,setpoint_MPa,target_MPa\n';
export const RUN_STEPS_CSV_HEADER = 'step,label,kind,target_MPa,reached_MPa,peak_MPa,hold_error_p99_MPa,start_s,duration_s,in_band_percent,tolerance\n';

const KIND_NAMES = Object.freeze(['ramp', 'hold', 'release', 'prompt', 'wait', 'maintain']);

/** Samples the log holds. */
export function runLogRowCount(log: RunLog): number {
  let rows = 0;
  for (const segment of log.segments) rows += segment.pressuresMPa.length;
  return rows;
}

/** A CSV field in double quotes, its own quotes doubled. */
export function quotedCsv(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) out += text[i] === '"' ? '""' : text[i];
  return `${out}"`;
}

/** What of the log cannot be read as it stands (each record said in words; empty when all is well). */
export function runLogDamage(log: RunLog): string[] {
  const damage = [...log.damaged];
  for (const segment of log.segments) if (RUN_STATE_NAMES[segment.state] === undefined) damage.push(`SAMPLES record: state ${segment.state} is no run state`);
  for (const step of log.steps) if (KIND_NAMES[step.kind] === undefined) damage.push(`STEP record of step ${step.step + 1}: kind ${step.kind} is no step kind`);
  return damage;
}

function fixedOrEmpty(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '';
}

/**
 * Rows firstRow … firstRow + maxRows − 1, fewer where they would take more than maxBytes (a long
 * label makes long rows; at least one row); the header line comes with row 0. `labels[step]`:
 * '' where unknown.
 */
export function runLogCsv(log: RunLog, firstRow: number, maxRows: number, labels: readonly string[], maxBytes: number): string {
  const originMs = log.startFound ? log.run.startMs : log.segments.length > 0 ? log.segments[0].startMs : 0;
  const lines: string[] = firstRow === 0 ? [RUN_LOG_CSV_HEADER] : [];
  let bytes = firstRow === 0 ? RUN_LOG_CSV_HEADER.length : 0;
  let row = 0;
  let end = firstRow + maxRows;
  for (const segment of log.segments) {
    const count = segment.pressuresMPa.length;
    if (row + count <= firstRow) {
      row += count;
      continue;
    }
    const lead = `,${segment.step + 1},${quotedCsv(labels[segment.step] ?? '')},${RUN_STATE_NAMES[segment.state]},`;
    const target = fixedOrEmpty(segment.targetMPa, 3);
    const setpoints = segment.setpointsMPa;
    for (let k = 0; k < count && row < end; k++, row++) {
      if (row < firstRow) continue;
      const tS = (segment.startMs + k * segment.intervalMs - originMs) / 1000;
      const pressure = segment.pressuresMPa[k];
      const force = fixedOrEmpty(pressure * segment.kNPerMPa, 3);
      const line = `${tS.toFixed(3)}${lead}${pressure.toFixed(3)},${force},${setpoints === null ? '' : setpoints[k].toFixed(3)},${target}\n`;
      bytes += utf8Length(line);
      if (bytes > maxBytes && row > firstRow) {
        end = row;
        break;
      }
      lines.push(line);
    }
    if (row >= end) break;
  }
  return lines.join('');
}

function stepRow(step: StepRecord, labels: readonly string[]): string {
  const tolerance = step.tolerance === 0 ? '' : (step.tolerance & ~1) === 0 ? 'in' : 'outside';
  const inBand = Number.isFinite(step.inBandPermille) ? (step.inBandPermille / 10).toFixed(1) : '';
  const figures = [step.targetMPa, step.reachedMPa, step.peakMPa].map((v) => fixedOrEmpty(v, 3)).join(',');
  return `${step.step + 1},${quotedCsv(labels[step.step] ?? '')},${KIND_NAMES[step.kind]},${figures},${fixedOrEmpty(step.holdErrorP99MPa, 3)},${fixedOrEmpty(step.startS, 2)},${fixedOrEmpty(step.durationS, 2)},${inBand},${tolerance}\n`;
}

/**
 * The run's step summaries from row firstRow on (0-based), as many as fit maxBytes (at least one);
 * the header line comes with row 0. Empty past the last row. Tolerance `in`, `outside` or empty
 * (not judged).
 */
export function runStepsCsv(log: RunLog, labels: readonly string[], firstRow: number, maxBytes: number): string {
  const lines: string[] = firstRow === 0 ? [RUN_STEPS_CSV_HEADER] : [];
  let bytes = firstRow === 0 ? RUN_STEPS_CSV_HEADER.length : 0;
  for (let row = firstRow; row < log.steps.length; row++) {
    const line = stepRow(log.steps[row], labels);
    bytes += utf8Length(line);
    if (bytes > maxBytes && row > firstRow) break;
    lines.push(line);
  }
  return lines.join('');
}
