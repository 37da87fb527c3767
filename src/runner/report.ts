import type { CompiledProgram } from '../programs/compile';
import { StepKind } from '../programs/compile';
import { faultMessage, faultName } from '../safety/faults';
import type { Sequencer } from './sequencer';
import { RUN_STATE_NAMES, RunState } from './run-state';
import type { RunEvent } from './run-events';
import { EVENT_CAUSE_NAMES, EventCause } from './run-events';
import { deepFreeze } from '../frozen';
import { OUTSIDE_TOLERANCE, isJudgedKind } from './tolerance';
import { OUTSIDE_TOLERANCE_RESULT, outsideToleranceNote, outsideToleranceSteps } from './tolerance-text';

export interface StepReport {
  index: number;
  type: string;
  /** The step's label, when the program gives one. */
  label: string | null;
  /** Where the step is in the program (`steps[4].steps[1]` for a step inside a repeat). */
  source: string;
  /** Pressure the step drives to or holds (null for prompts). */
  target_MPa: number | null;
  /** Measured pressure at the end (ramp, release, wait) or mean over the step (hold, maintain). */
  reached_MPa: number | null;
  peak_MPa: number | null;
  /** Peak above target, ≥ 0 (ramp, hold and maintain steps). */
  overshoot_MPa: number | null;
  /** The step's band: where a ramp or release ends, the tolerance of a hold or maintain step (null for prompts and waits). */
  band_MPa: number | null;
  /** 99th percentile of |P − target| over the step's time at pressure: a hold's from ready, a maintain step's from arrival. */
  hold_error_p99_MPa: number | null;
  /** Share of that time with |P − target| within the band, % (one decimal, rounded down); hold and maintain steps (so far, for a step still running). */
  in_band_percent: number | null;
  /** The verdict on a hold or maintain step that ran to its end (src/runner/tolerance.ts); null for the others. */
  tolerance: 'within' | 'outside' | null;
  /** Why the step is outside tolerance, with its figures (null when it is not). */
  outside_tolerance: string | null;
  duration_s: number | null;
}

export interface FaultReport {
  code: number;
  name: string;
  message: string;
  /** Seconds from the start of the run. */
  t_s: number;
}

export interface RunReport {
  program: string;
  /** CRC-32 of the program's stored form, 8 hex digits: which exact program ran. */
  program_hash: string;
  /** A run whose every step completed, but with a hold or maintain step outside tolerance, is completed-outside-tolerance. */
  result: 'completed' | 'completed-outside-tolerance' | 'aborted' | 'fault' | 'not-finished';
  /**
   * The result in words; for a run outside tolerance the steps and by how much: "completed outside
   * tolerance: step 4 'stack 25 MPa': in band 81 % (needs 90 %), p99 0.41 MPa against band 0.25 MPa".
   */
  result_text: string;
  /** The fault that ended the run (the latched one). */
  fault: null | FaultReport;
  /** Every fault raised from the start of the run on, in order. */
  faults: FaultReport[];
  /** Highest pressure visited during the run. */
  peak_MPa: number;
  /** Device uptime at the start and end of the run, ms (end null while it is still going). */
  start_ms: number;
  end_ms: number | null;
  /** Start to end of the run; null while it is still going. */
  run_time_s: number | null;
  steps: StepReport[];
  /** Every transition and refused action from the start of the run on. */
  events: RunEvent[];
  /** Events of this run the ring overwrote before the report was made. */
  events_lost: number;
}

const RESULT_NAMES: Record<number, RunReport['result']> = deepFreeze({
  [RunState.complete]: 'completed',
  [RunState.aborted]: 'aborted',
  [RunState.fault]: 'fault',
});

const RESULT_TEXTS: Record<RunReport['result'], string> = deepFreeze({
  completed: 'completed',
  'completed-outside-tolerance': OUTSIDE_TOLERANCE_RESULT,
  aborted: 'aborted',
  fault: 'fault',
  'not-finished': 'not finished',
});

/** The result of the sequencer's current (not-finished) or last run. */
export function runResultName(sequencer: Sequencer): RunReport['result'] {
  if (sequencer.active) return 'not-finished';
  const name = RESULT_NAMES[sequencer.runResult] ?? 'not-finished';
  return name === 'completed' && sequencer.stepsOutsideTolerance > 0 ? 'completed-outside-tolerance' : name;
}

/** Builds the run report from the sequencer's typed-array statistics (after the run, not per tick). */
export function buildRunReport(sequencer: Sequencer, faultCode: number, faultTimeMs: number, programHash: number): RunReport {
  const program = sequencer.program as CompiledProgram;
  const stats = sequencer.stats;
  // A step still running shows its figures so far (it gets no verdict until it ends).
  if (stats !== null && sequencer.active) stats.refresh();
  const steps: StepReport[] = [];
  for (let i = 0; i < program.stepCount; i++) {
    if (stats === null || stats.started[i] === 0) break;
    const kind = program.kind[i];
    const target = program.targetMPa[i];
    const isPrompt = kind === StepKind.prompt;
    const isHolding = kind === StepKind.hold || kind === StepKind.maintain;
    const peak = stats.peakMPa[i];
    const p99 = stats.errorP99MPa[i];
    const verdict = stats.tolerance[i];
    const judged = isJudgedKind(kind) && verdict !== 0;
    steps.push({
      index: i,
      type: program.typeNames[i],
      label: program.labels[i] === '' ? null : program.labels[i],
      source: program.sourcePaths[i],
      target_MPa: isPrompt ? null : target,
      reached_MPa: isPrompt ? null : isHolding ? stats.meanMPa[i] : stats.endMPa[i],
      peak_MPa: peak,
      overshoot_MPa: kind === StepKind.ramp || isHolding ? Math.max(0, peak - target) : null,
      band_MPa: isPrompt || kind === StepKind.wait ? null : program.bandMPa[i],
      hold_error_p99_MPa: isHolding && !Number.isNaN(p99) ? p99 : null,
      in_band_percent: isHolding && !Number.isNaN(p99) ? stats.inBandPermille[i] / 10 : null,
      tolerance: judged ? ((verdict & OUTSIDE_TOLERANCE) !== 0 ? 'outside' : 'within') : null,
      outside_tolerance: judged ? outsideToleranceNote(program, stats, i) : null,
      duration_s: stats.endS[i] - stats.startS[i],
    });
  }
  const events = sequencer.events;
  const runEvents = events.list(sequencer.runFirstEvent, RUN_STATE_NAMES);
  const faults: FaultReport[] = [];
  for (let n = 0; n < runEvents.length; n++) {
    if (runEvents[n].cause === EVENT_CAUSE_NAMES[EventCause.fault]) faults.push(faultReport(runEvents[n].detail, runEvents[n].t_ms, sequencer.runStartMs));
  }
  const lostBefore = events.count - events.capacity - sequencer.runFirstEvent;
  const result = runResultName(sequencer);
  return {
    program: program.name,
    program_hash: programHash.toString(16).padStart(8, '0'),
    result,
    result_text: result === 'completed-outside-tolerance' && stats !== null ? `${OUTSIDE_TOLERANCE_RESULT}: ${outsideToleranceSteps(program, stats)}` : RESULT_TEXTS[result],
    fault: faultCode === 0 ? null : faultReport(faultCode, faultTimeMs, sequencer.runStartMs),
    faults,
    peak_MPa: sequencer.peakMPa,
    start_ms: sequencer.runStartMs,
    end_ms: sequencer.active ? null : sequencer.runEndMs,
    run_time_s: sequencer.active ? null : (sequencer.runEndMs - sequencer.runStartMs) / 1000,
    steps,
    events: runEvents,
    events_lost: lostBefore > 0 ? lostBefore : 0,
  };
}

function faultReport(code: number, timeMs: number, runStartMs: number): FaultReport {
  return { code, name: faultName(code), message: faultMessage(code), t_s: (timeMs - runStartMs) / 1000 };
}
