import type { CompiledProgram } from '../programs/compile';
import { StepKind } from '../programs/compile';
import { faultMessage, faultName } from '../safety/faults';
import type { Sequencer } from './sequencer';
import { RUN_STATE_NAMES, RunState } from './run-state';
import type { RunEvent } from './run-events';
import { EVENT_CAUSE_NAMES, EventCause } from './run-events';
import { deepFreeze } from '../frozen';

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
  /** 99th percentile of |P − target| over the hold (hold steps; maintain steps from arrival on). */
  hold_error_p99_MPa: number | null;
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
  result: 'completed' | 'aborted' | 'fault' | 'not-finished';
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

/** Builds the run report from the sequencer's typed-array statistics (after the run, not per tick). */
export function buildRunReport(sequencer: Sequencer, faultCode: number, faultTimeMs: number, programHash: number): RunReport {
  const program = sequencer.program as CompiledProgram;
  const stats = sequencer.stats;
  const steps: StepReport[] = [];
  for (let i = 0; i < program.stepCount; i++) {
    if (stats === null || stats.started[i] === 0) break;
    const kind = program.kind[i];
    const target = program.targetMPa[i];
    const isPrompt = kind === StepKind.prompt;
    const isHolding = kind === StepKind.hold || kind === StepKind.maintain;
    const peak = stats.peakMPa[i];
    const p99 = stats.errorP99MPa[i];
    steps.push({
      index: i,
      type: program.typeNames[i],
      label: program.labels[i] === '' ? null : program.labels[i],
      source: program.sourcePaths[i],
      target_MPa: isPrompt ? null : target,
      reached_MPa: isPrompt ? null : isHolding ? stats.meanMPa[i] : stats.endMPa[i],
      peak_MPa: peak,
      overshoot_MPa: kind === StepKind.ramp || isHolding ? Math.max(0, peak - target) : null,
      hold_error_p99_MPa: isHolding && !Number.isNaN(p99) ? p99 : null,
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
  return {
    program: program.name,
    program_hash: programHash.toString(16).padStart(8, '0'),
    result: sequencer.active ? 'not-finished' : (RESULT_NAMES[sequencer.runResult] ?? 'not-finished'),
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
