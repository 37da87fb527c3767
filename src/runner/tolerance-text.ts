import type { CompiledProgram } from '../programs/compile';
import { StepKind } from '../programs/compile';
import type { StepStats } from './step-stats';
import { ERROR_RANGE_MPA } from './step-stats';
import { READY_TIMEOUT_MS } from './step-timing';
import { MIN_IN_BAND_PERMILLE, OUTSIDE_TOLERANCE, P99_BAND_FACTOR, ToleranceFlag } from './tolerance';

/** The words for a run that completed with a step outside tolerance (the report, the panel, the protocol). */
export const OUTSIDE_TOLERANCE_RESULT = 'completed outside tolerance';

/** A pressure to at most 3 decimals, without trailing zeros: 0.25, 0.413, 2. */
function mpaText(valueMPa: number): string {
  return String(Math.round(valueMPa * 1000) / 1000);
}

/** Step 4 (index 3) as the operator knows it: `step 4 'stack 25 MPa'`, or `step 2 (hold)` without a label. */
export function stepTitle(index: number, label: string | null, typeName: string): string {
  return label === null || label === '' ? `step ${index + 1} (${typeName})` : `step ${index + 1} '${label}'`;
}

/**
 * Why a step is outside tolerance, with its figures: `in band 81 % (needs 90 %), p99 0.41 MPa
 * against band 0.25 MPa (at most 0.5 MPa)`. Null for a step within tolerance or not judged.
 */
export function outsideToleranceNote(program: CompiledProgram, stats: StepStats, index: number): string | null {
  const flags = stats.tolerance[index];
  if ((flags & OUTSIDE_TOLERANCE) === 0) return null;
  const band = program.bandMPa[index];
  const parts: string[] = [];
  if ((flags & ToleranceFlag.notSettled) !== 0) parts.push(`never settled (not inside the band in the ${READY_TIMEOUT_MS / 1000} s a hold waits for ready)`);
  const percent = Math.floor(stats.inBandPermille[index] / 10);
  if (program.kind[index] === StepKind.maintain) parts.push((flags & ToleranceFlag.inBand) !== 0 ? `in band ${percent} % (needs ${MIN_IN_BAND_PERMILLE / 10} %)` : `in band ${percent} %`);
  const p99 = stats.errorP99MPa[index];
  const p99Text = p99 === Infinity ? `beyond ${mpaText(ERROR_RANGE_MPA)}` : mpaText(p99);
  const limit = (flags & ToleranceFlag.p99) !== 0 ? ` (at most ${mpaText(P99_BAND_FACTOR * band)} MPa)` : '';
  parts.push(`p99 ${p99Text} MPa against band ${mpaText(band)} MPa${limit}`);
  return parts.join(', ');
}

/** Every step of the run outside tolerance, in order: `step 4 'stack 25 MPa': in band 81 % …; step 6 …` ('' when none). */
export function outsideToleranceSteps(program: CompiledProgram, stats: StepStats): string {
  const lines: string[] = [];
  for (let i = 0; i < program.stepCount; i++) {
    if (stats.started[i] === 0) break;
    const note = outsideToleranceNote(program, stats, i);
    if (note !== null) lines.push(`${stepTitle(i, program.labels[i], program.typeNames[i])}: ${note}`);
  }
  return lines.join('; ');
}
