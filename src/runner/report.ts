import type { CompiledProgram } from '../programs/compile';
import { StepKind } from '../programs/compile';
import { faultMessage, faultName } from '../safety/faults';
import type { Sequencer } from './sequencer';
import { RunState } from './run-state';

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

export interface RunReport {
  program: string;
  result: 'completed' | 'aborted' | 'fault' | 'not-finished';
  fault: null | { code: number; name: string; message: string; t_s: number };
  peak_MPa: number;
  /** Start to end of the run; null while it is still going. */
  run_time_s: number | null;
  steps: StepReport[];
}

const RESULT_NAMES: Record<number, RunReport['result']> = {
  [RunState.complete]: 'completed',
  [RunState.aborted]: 'aborted',
  [RunState.fault]: 'fault',
};

/** Builds the run report from the sequencer's typed-array statistics (after the run, not per tick). */
export function buildRunReport(sequencer: Sequencer, faultCode: number, faultTimeMs: number): RunReport {
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
  return {
    program: program.name,
    result: RESULT_NAMES[sequencer.state] ?? 'not-finished',
    fault: faultCode === 0 ? null : { code: faultCode, name: faultName(faultCode), message: faultMessage(faultCode), t_s: (faultTimeMs - sequencer.runStartMs) / 1000 },
    peak_MPa: sequencer.peakMPa,
    run_time_s: sequencer.active ? null : (sequencer.runEndMs - sequencer.runStartMs) / 1000,
    steps,
  };
}
