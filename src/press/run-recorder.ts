import type { WallClock } from '../time/wall-clock';
import type { Clock } from '../../hal/clock';
import { FIRMWARE_VERSION } from '../firmware-version';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import type { Sequencer } from '../runner/sequencer';
import { RunState } from '../runner/run-state';
import { buildRunReport } from '../runner/report';
import type { SafetySupervisor } from '../safety/supervisor';
import type { RunJournal } from '../store/run-journal';
import { RunHeaderFields, RunOutcome, StepSummary } from '../store/run-journal';
import type { PressCalibration } from './press-calibration';
import { SampleBuffer } from '../store/sample-buffer';

/** The run log's open segment is written at least this often: what a power cut can cost, ms. */
const LOG_FLUSH_AGE_MS = 60_000;
/** A run's samples may take this share of the run log; beyond half of it the interval doubles (src/store/sample-buffer.ts). */
const RUN_LOG_SHARE = 0.5;
/** Flash bytes a sample (pressure and setpoint) takes on average in a full SAMPLES record. */
const LOG_BYTES_PER_SAMPLE = 4.5;

/**
 * A run's record in the run journal (docs/storage.md): its start with its header (die,
 * calibration in force, firmware), its end, its samples (gathered by the tick into RAM,
 * written by housekeeping) and, after the run, one summary per step.
 */
export class RunRecorder {
  /** The run log's samples between the tick and the flash. */
  readonly samples = new SampleBuffer();
  /** Journal id of the current (or last) run; -1 when it could not be recorded. */
  runId = -1;
  /** Run whose step summaries are still to be written to the run log (0: none). */
  private summaryRunId = 0;
  /** One step's summary on its way to the journal, refilled for each step. */
  private readonly summary = new StepSummary();
  /** The header of the run starting, refilled for each run. */
  private readonly header = new RunHeaderFields();
  private readonly runSampleBudget: number;

  constructor(
    private readonly clock: Clock,
    private readonly journal: RunJournal,
    private readonly sequencer: Sequencer,
    private readonly safety: SafetySupervisor,
    private readonly loadCell: LoadCellPipeline,
    private readonly calibration: PressCalibration,
    private readonly wallClock: WallClock,
    logBytes: number,
  ) {
    this.runSampleBudget = Math.floor((logBytes * RUN_LOG_SHARE) / LOG_BYTES_PER_SAMPLE);
  }

  /** True when the last run's step summaries still wait to be written (after the run, before the next). */
  get summariesPending(): boolean {
    return this.summaryRunId !== 0 && !this.sequencer.active;
  }

  /** Before a run starts: the previous run's summaries and samples are written, and nothing of it is kept. */
  prepare(nowMs: number, programHash: number): void {
    if (this.summaryRunId !== 0) this.writeStepSummaries(programHash);
    this.samples.flush(this.journal, nowMs, 0);
    if (this.samples.segmentsHeld > 0) this.samples.discard();
  }

  /** The run has started: its record opens in the journal, with the die and the calibration it runs on. */
  begin(programName: string, programHash: number, nowMs: number): void {
    const cell = this.loadCell;
    const header = this.header;
    header.dieAreaMm2 = cell.dieAreaMm2;
    const fromStore = this.calibration.fromStore;
    header.calibrationDateS = fromStore ? this.calibration.dateSInForce : NaN;
    header.calibrationReference = fromStore ? this.calibration.referenceInForce : '';
    header.calibrationWorstErrorPercent = fromStore ? this.calibration.worstErrorPercentInForce : NaN;
    header.startedAtS = this.wallClock.isSet ? this.wallClock.utcS() : NaN;
    header.tareCounts = cell.calibration.tareCounts;
    header.kNPerCount = cell.calibration.kNPerCount;
    header.firmwareVersion = FIRMWARE_VERSION;
    this.runId = this.journal.beginRun(programName, programHash, nowMs, header);
    if (this.runId > 0) this.samples.begin(this.runId, nowMs, this.runSampleBudget, cell.dieAreaMm2);
  }

  /** The run has ended (in the tick): its outcome goes in the journal; its summaries wait for housekeeping. */
  end(nowMs: number): void {
    if (this.runId < 0) return;
    this.samples.end();
    this.summaryRunId = this.runId;
    const seq = this.sequencer;
    this.journal.endRun(this.runId, runOutcome(seq), this.safety.latchedFault, nowMs, seq.peakMPa);
  }

  /** Housekeeping: samples older than LOG_FLUSH_AGE_MS to flash, then the summaries of a finished run. */
  service(nowMs: number, programHash: number): void {
    this.samples.flush(this.journal, nowMs, LOG_FLUSH_AGE_MS);
    if (this.summariesPending) this.writeStepSummaries(programHash);
  }

  /** After a run-log erase, what waited for it. */
  flushAged(nowMs: number): void {
    this.samples.flush(this.journal, nowMs, LOG_FLUSH_AGE_MS);
  }

  /** A clean stop: everything held is written out. */
  close(programHash: number): void {
    if (this.summariesPending) this.writeStepSummaries(programHash);
    this.samples.end();
    this.samples.flush(this.journal, this.clock.nowMs(), 0);
  }

  /** The previous run's step summaries, from the sequencer's statistics (after the run, before the next one starts). */
  writeStepSummaries(programHash: number): void {
    const runId = this.summaryRunId;
    this.summaryRunId = 0;
    const seq = this.sequencer;
    const program = seq.program;
    const stats = seq.stats;
    if (program === null || stats === null) return;
    const steps = buildRunReport(seq, this.safety.latchedFault, this.safety.faultTimeMs, programHash).steps;
    const summary = this.summary;
    summary.runId = runId;
    for (const step of steps) {
      summary.step = step.index;
      summary.kind = program.kind[step.index];
      summary.targetMPa = orNaN(step.target_MPa);
      summary.reachedMPa = orNaN(step.reached_MPa);
      summary.peakMPa = orNaN(step.peak_MPa);
      summary.holdErrorP99MPa = orNaN(step.hold_error_p99_MPa);
      summary.startS = stats.startS[step.index];
      summary.durationS = orNaN(step.duration_s);
      summary.tolerance = stats.tolerance[step.index];
      summary.inBandPermille = step.in_band_percent === null ? NaN : stats.inBandPermille[step.index];
      if (!this.journal.appendStep(summary)) return;
    }
  }
}

/** How the loaded program's last run ended (RunOutcome); open while a run is on, and before one has ended. */
export function runOutcome(seq: Sequencer): number {
  if (seq.active) return RunOutcome.open;
  switch (seq.runResult) {
    case RunState.complete:
      return seq.stepsOutsideTolerance === 0 ? RunOutcome.completed : RunOutcome.completedOutsideTolerance;
    case RunState.aborted:
      return RunOutcome.aborted;
    case RunState.fault:
      return RunOutcome.fault;
    default:
      return RunOutcome.open;
  }
}

function orNaN(value: number | null): number {
  return value === null ? NaN : value;
}
