import type { CompiledProgram } from '../programs/compile';
import { StepKind } from '../programs/compile';
import { faultMessage, faultName } from '../safety/faults';
import type { Sequencer } from './sequencer';
import { RunState } from './run-state';

export interface StepReport {
  index: number;
  type: string;
  /** Pressure the step drives to or holds (null for prompts). */
  target_MPa: number | null;
  /** Measured pressure at the end (ramp, release) or mean over the hold. */
  reached_MPa: number | null;
  peak_MPa: number | null;
  /** Peak above target, ≥ 0 (ramp and hold steps). */
  overshoot_MPa: number | null;
  /** 99th percentile of |P − target| over the hold (hold steps). */
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
    const peak = stats.peakMPa[i];
    steps.push({
      index: i,
      type: program.typeNames[i],
      target_MPa: isPrompt ? null : target,
      reached_MPa: isPrompt ? null : kind === StepKind.hold ? stats.meanMPa[i] : stats.endMPa[i],
      peak_MPa: peak,
      overshoot_MPa: kind === StepKind.ramp || kind === StepKind.hold ? Math.max(0, peak - target) : null,
      hold_error_p99_MPa: kind === StepKind.hold ? stats.errorP99MPa[i] : null,
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
