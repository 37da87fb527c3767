import type { RunJournal } from './run-journal';
import { MAX_RECORD_SAMPLES, SampleBatch } from './run-journal-format';

/** Segments of samples held in RAM between the control tick and the flash. */
const SEGMENTS = 8;

/**
 * The run log's samples on their way to flash. The control tick averages the pressure and the
 * setpoint over each log interval and stores one sample per interval into preallocated segments
 * (one step, state and target each, at most MAX_RECORD_SAMPLES samples); the housekeeping timer
 * writes closed segments to the run journal. The tick allocates nothing and never touches the
 * flash.
 *
 * Bounded per run: once a run has taken half its sample budget the interval doubles, and again
 * at each half of what is left, so however long a run lasts it never takes more than the budget.
 */
export class SampleBuffer {
  static readonly SEGMENTS = SEGMENTS;
  readonly values = new Float32Array(SEGMENTS * MAX_RECORD_SAMPLES);
  readonly setpoints = new Float32Array(SEGMENTS * MAX_RECORD_SAMPLES);
  /** The segment being written, reused for each one. */
  private readonly batch = new SampleBatch(this.values, this.setpoints);
  private readonly runId = new Uint32Array(SEGMENTS);
  private readonly startMs = new Float64Array(SEGMENTS);
  private readonly intervalMs = new Float32Array(SEGMENTS);
  private readonly step = new Uint8Array(SEGMENTS);
  private readonly state = new Uint8Array(SEGMENTS);
  private readonly targetMPa = new Float32Array(SEGMENTS);
  private readonly segmentKNPerMPa = new Float32Array(SEGMENTS);
  private readonly count = new Uint16Array(SEGMENTS);
  /** Oldest segment not yet written, how many are held, and the one being filled (-1: none). */
  private first = 0;
  private held = 0;
  private open = -1;
  private activeRunId = 0;
  private sumMPa = 0;
  private sumSetpointMPa = 0;
  /** Force per pressure on the run's die (its area / 1000), for every record of the run. */
  private kNPerMPa = NaN;
  private ticks = 0;
  private nextSampleMs = 0;
  private intervalFactor = 1;
  private takenThisRun = 0;
  private budget = 0;
  private nextDoublingAt = 0;
  /** Samples dropped because every segment was waiting for the flash. */
  samplesLost = 0;

  /** Samples of the run being logged so far. */
  get samplesThisRun(): number {
    return this.takenThisRun;
  }

  /** Segments waiting to be written (the open one included). */
  get segmentsHeld(): number {
    return this.held;
  }

  /** Starts logging a run on a die of `dieAreaMm2`: the first sample is taken on the next tick. */
  begin(runId: number, nowMs: number, budgetSamples: number, dieAreaMm2: number): void {
    this.closeOpen();
    this.activeRunId = runId;
    this.kNPerMPa = dieAreaMm2 / 1000;
    this.sumMPa = 0;
    this.sumSetpointMPa = 0;
    this.ticks = 0;
    this.nextSampleMs = nowMs;
    this.intervalFactor = 1;
    this.takenThisRun = 0;
    this.budget = budgetSamples;
    this.nextDoublingAt = budgetSamples / 2;
  }

  /** Stops logging: what is held is still written. */
  end(): void {
    this.closeOpen();
    this.activeRunId = 0;
  }

  /** Control tick: averages the pressure and the setpoint; stores a sample when one is due. */
  tick(nowMs: number, pressureMPa: number, setpointMPa: number, targetMPa: number, step: number, state: number, intervalMs: number): void {
    if (this.activeRunId === 0) return;
    this.sumMPa += pressureMPa;
    this.sumSetpointMPa += setpointMPa;
    this.ticks++;
    if (nowMs < this.nextSampleMs) return;
    const sampleMPa = this.sumMPa / this.ticks;
    const sampleSetpointMPa = this.sumSetpointMPa / this.ticks;
    this.sumMPa = 0;
    this.sumSetpointMPa = 0;
    this.ticks = 0;
    const everyMs = intervalMs * this.intervalFactor;
    this.nextSampleMs = this.nextSampleMs + everyMs > nowMs ? this.nextSampleMs + everyMs : nowMs + everyMs;
    let open = this.open;
    if (open >= 0 && (this.step[open] !== step || this.state[open] !== state || this.targetMPa[open] !== Math.fround(targetMPa) || this.intervalMs[open] !== Math.fround(everyMs) || this.count[open] === MAX_RECORD_SAMPLES)) {
      this.closeOpen();
      open = -1;
    }
    if (open < 0) {
      if (this.held === SEGMENTS) {
        this.samplesLost++;
        return;
      }
      open = (this.first + this.held) % SEGMENTS;
      this.held++;
      this.open = open;
      this.runId[open] = this.activeRunId;
      this.startMs[open] = nowMs;
      this.intervalMs[open] = everyMs;
      this.step[open] = step;
      this.state[open] = state;
      this.targetMPa[open] = targetMPa;
      this.segmentKNPerMPa[open] = this.kNPerMPa;
      this.count[open] = 0;
    }
    const at = open * MAX_RECORD_SAMPLES + this.count[open];
    this.values[at] = sampleMPa;
    this.setpoints[at] = sampleSetpointMPa;
    this.count[open]++;
    this.takenThisRun++;
    if (this.takenThisRun >= this.nextDoublingAt) {
      this.intervalFactor *= 2;
      this.nextDoublingAt += (this.budget - this.nextDoublingAt) / 2;
    }
  }

  /**
   * Housekeeping: writes the closed segments to the journal, oldest first, and the open one
   * too once it is `maxAgeMs` old (that bounds what a power cut can lose). False when the
   * journal had no erased space; what was not written stays held.
   */
  flush(journal: RunJournal, nowMs: number, maxAgeMs: number): boolean {
    while (this.held > 0) {
      const segment = this.first;
      if (segment === this.open) {
        if (nowMs - this.startMs[segment] < maxAgeMs) return true;
        this.closeOpen();
      }
      if (this.count[segment] > 0) {
        const batch = this.batch;
        batch.runId = this.runId[segment];
        batch.startMs = this.startMs[segment];
        batch.intervalMs = this.intervalMs[segment];
        batch.step = this.step[segment];
        batch.state = this.state[segment];
        batch.targetMPa = this.targetMPa[segment];
        batch.kNPerMPa = this.segmentKNPerMPa[segment];
        batch.from = segment * MAX_RECORD_SAMPLES;
        batch.count = this.count[segment];
        if (!journal.appendSamples(batch)) return false;
      }
      this.first = (this.first + 1) % SEGMENTS;
      this.held--;
    }
    return true;
  }

  /** Drops everything held (counted as lost). */
  discard(): void {
    let dropped = 0;
    for (let k = 0; k < this.held; k++) dropped += this.count[(this.first + k) % SEGMENTS];
    this.samplesLost += dropped;
    this.first = 0;
    this.held = 0;
    this.open = -1;
  }

  private closeOpen(): void {
    this.open = -1;
  }
}
