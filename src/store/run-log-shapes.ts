/**
 * What the run journal holds of a run, as the reader gives it back (JournalRun, StepRecord,
 * SampleSegment, RunHeader, RunLog), and the objects its writers fill once per record
 * (StepSummary, RunHeaderFields, SampleBatch). The records' layouts are in
 * src/store/run-journal-format.ts.
 */

/** How a run ended; completedOutsideTolerance: every step completed, one or more hold or maintain steps outside tolerance (src/runner/tolerance.ts). */
export const RunOutcome = Object.freeze({ open: 0, completed: 1, aborted: 2, fault: 3, interrupted: 4, completedOutsideTolerance: 5 } as const);

export interface JournalRun {
  /** 1, 2, 3… across boots, never reused. */
  runId: number;
  /** Boot in which the run started. */
  bootCount: number;
  programName: string;
  programHash: number;
  /** Device uptime at the start, in that boot. */
  startMs: number;
  /** RunOutcome; open when no end record was found. */
  outcome: number;
  faultCode: number;
  /** Uptime at the end; 0 for open and interrupted runs. */
  endMs: number;
  /** NaN for open and interrupted runs. */
  peakMPa: number;
}

/** The summary of one step of a run, as the runner saw it at the end of the run. */
export interface StepRecord {
  step: number;
  /** StepKind (src/programs/compile.ts). */
  kind: number;
  targetMPa: number;
  /** End pressure (ramp, release, wait) or mean over the step (hold, maintain). */
  reachedMPa: number;
  peakMPa: number;
  /** NaN where the step keeps no hold error. */
  holdErrorP99MPa: number;
  /** From the start of the run. */
  startS: number;
  durationS: number;
  /** ToleranceFlag bits (src/runner/tolerance.ts); 0 for a step not judged, and in a record of the first form. */
  tolerance: number;
  /** Share of the step's time at pressure inside its band, ‰; NaN where the step keeps none, and in a record of the first form. */
  inBandPermille: number;
}

/** A step summary to append (RunJournal.appendStep): created once by the writer and filled for each step. */
export class StepSummary implements StepRecord {
  runId = 0;
  step = 0;
  kind = 0;
  targetMPa = NaN;
  reachedMPa = NaN;
  peakMPa = NaN;
  holdErrorP99MPa = NaN;
  startS = NaN;
  durationS = NaN;
  tolerance = 0;
  inBandPermille = NaN;
}

/** Consecutive samples of one step and state. */
export interface SampleSegment {
  /** Uptime of the first sample. */
  startMs: number;
  intervalMs: number;
  step: number;
  /** RunState. */
  state: number;
  peakMPa: number;
  pressuresMPa: Float64Array;
  /** The setpoint the control law was given, averaged like the pressure; null in a record of the first form. */
  setpointsMPa: Float64Array | null;
  /** The step's target; NaN in a record of the first form. */
  targetMPa: number;
  /** Force per pressure on the run's die (its area / 1000); NaN in a record of the first form. */
  kNPerMPa: number;
}

/** What a run's RUN_HEADER record says of the press the run was made on. */
export interface RunHeader {
  dieAreaMm2: number;
  /** The calibration in force: its date (s since 1970; NaN for the configuration's), tare and span. */
  calibrationDateS: number;
  tareCounts: number;
  kNPerCount: number;
  /** …what it was made against ('' for the configuration's, and in a header of the first form) and its worst indication error, % of reading (NaN: none given). */
  calibrationReference: string;
  calibrationWorstErrorPercent: number;
  firmwareVersion: string;
  /** When the run started, UTC s since 1970; NaN when the press's clock was not set (and in a header of the first form). */
  startedAtS: number;
}

/** A run header to write (RunJournal.beginRun): created once by the writer and filled for each run. */
export class RunHeaderFields implements RunHeader {
  dieAreaMm2 = NaN;
  calibrationDateS = NaN;
  tareCounts = NaN;
  kNPerCount = NaN;
  calibrationReference = '';
  calibrationWorstErrorPercent = NaN;
  firmwareVersion = '';
  startedAtS = NaN;
}

/**
 * Samples to append (RunJournal.appendSamples): `count` pressures and setpoints (MPa) of one
 * step, state and target, taken every `intervalMs` from `startMs`, read from values[from…] and
 * setpoints[from…] (rings of values.length). Created once by the writer over its rings and
 * filled for each batch.
 */
export class SampleBatch {
  runId = 0;
  startMs = 0;
  intervalMs = 0;
  step = 0;
  /** RunState. */
  state = 0;
  targetMPa = NaN;
  kNPerMPa = NaN;
  from = 0;
  count = 0;

  constructor(readonly values: Float32Array, readonly setpoints: Float32Array) {
    if (setpoints.length !== values.length) throw new RangeError(`sample batch: ${setpoints.length} setpoints for ${values.length} pressures`);
  }
}

export interface RunLog {
  /** Start and end as far as they are still in the journal. */
  run: JournalRun;
  /** False when the start record has aged out (name, hash and start time unknown). */
  startFound: boolean;
  steps: StepRecord[];
  segments: SampleSegment[];
  /** The run's RUN_HEADER; null when there is none (a run of earlier firmware, or aged out). */
  header: RunHeader | null;
  /** Records of this run whose CRC held but whose content does not make sense, each said in words: they are left out, not guessed at. */
  damaged: string[];
}
