import { quantileBin } from '../stats/histogram';

/**
 * The per-step |error| histogram behind the p99 hold error: 1 kPa bins up to 2.048 MPa, then
 * 8 kPa bins up to 10.24 MPa (under 0.4 % of the value there), then one bin for everything
 * beyond. 12 KB, where 1 kPa bins all the way would take 40 KB of the board's heap.
 */
const FINE_BIN_MPA = 0.001;
const FINE_BINS = 2048;
const COARSE_BIN_MPA = 0.008;
const COARSE_BINS = 1024;
const FINE_RANGE_MPA = FINE_BINS * FINE_BIN_MPA;
const ERROR_BINS = FINE_BINS + COARSE_BINS;
/** The largest |error| the histogram resolves, MPa: a p99 beyond it is Infinity. */
export const ERROR_RANGE_MPA = FINE_RANGE_MPA + COARSE_BINS * COARSE_BIN_MPA;

/** Histogram bin of an |error| (ERROR_BINS: beyond the range). */
export function errorBin(errorMPa: number): number {
  if (errorMPa < FINE_RANGE_MPA) return Math.floor(errorMPa / FINE_BIN_MPA);
  const coarse = FINE_BINS + Math.floor((errorMPa - FINE_RANGE_MPA) / COARSE_BIN_MPA);
  return coarse < ERROR_BINS ? coarse : ERROR_BINS;
}

/** The upper edge of a bin, MPa (Infinity for the bin beyond the range). */
export function errorBinUpperMPa(bin: number): number {
  if (bin < FINE_BINS) return (bin + 1) * FINE_BIN_MPA;
  return bin < ERROR_BINS ? FINE_RANGE_MPA + (bin - FINE_BINS + 1) * COARSE_BIN_MPA : Infinity;
}

/**
 * Per-step results, one typed-array slot per step, filled during the run without
 * allocating: time span, peak, value at the end, mean, p99 of |P − target| (from a fixed
 * histogram, 1 kPa bins below 2 MPa) and the share of samples inside the step's band, both
 * over the samples the step tracks its error in (a hold from ready, a maintain from arrival),
 * and the step's tolerance verdict (src/runner/tolerance.ts), set by the sequencer.
 */
export class StepStats {
  readonly startS: Float64Array;
  readonly endS: Float64Array;
  readonly peakMPa: Float64Array;
  readonly endMPa: Float64Array;
  readonly meanMPa: Float64Array;
  readonly errorP99MPa: Float64Array;
  /** Share of the error-tracked samples with |P − target| ≤ band, ‰ (rounded down; 1000 without samples). */
  readonly inBandPermille: Uint16Array;
  /** ToleranceFlag bits; 0 for a step not judged. */
  readonly tolerance: Uint8Array;
  readonly started: Uint8Array;

  private readonly histogram = new Uint32Array(ERROR_BINS + 1);
  private sumMPa = 0;
  private samples = 0;
  private inBandSamples = 0;
  private active = -1;
  /** Highest histogram bin touched in the active step: clearing and scanning stop there. */
  private topBin = 0;
  /** Whether the active step records |error| (holds only: ramps start far from target). */
  private tracksError = false;

  constructor(stepCount: number) {
    this.startS = new Float64Array(stepCount);
    this.endS = new Float64Array(stepCount);
    this.peakMPa = new Float64Array(stepCount);
    this.endMPa = new Float64Array(stepCount);
    this.meanMPa = new Float64Array(stepCount);
    this.errorP99MPa = new Float64Array(stepCount);
    this.inBandPermille = new Uint16Array(stepCount);
    this.tolerance = new Uint8Array(stepCount);
    this.started = new Uint8Array(stepCount);
  }

  begin(step: number, timeS: number, pressureMPa: number, tracksError: boolean): void {
    this.active = step;
    this.tracksError = tracksError;
    this.started[step] = 1;
    this.startS[step] = timeS;
    this.endS[step] = timeS;
    this.peakMPa[step] = pressureMPa;
    this.endMPa[step] = pressureMPa;
    this.tolerance[step] = 0;
    this.histogram.fill(0, 0, this.topBin + 1);
    this.topBin = 0;
    this.sumMPa = 0;
    this.samples = 0;
    this.inBandSamples = 0;
  }

  /**
   * Starts recording |error| in the active step from now on (a hold once ready, a maintain
   * step once it has arrived); its mean then also counts from here, so none of them includes
   * the approach.
   */
  trackErrorFromNow(): void {
    if (this.active < 0) return;
    this.tracksError = true;
    this.sumMPa = 0;
    this.samples = 0;
    this.inBandSamples = 0;
  }

  sample(timeS: number, pressureMPa: number, targetMPa: number, bandMPa: number): void {
    const step = this.active;
    if (step < 0) return;
    if (pressureMPa > this.peakMPa[step]) this.peakMPa[step] = pressureMPa;
    this.endS[step] = timeS;
    this.endMPa[step] = pressureMPa;
    this.sumMPa += pressureMPa;
    this.samples++;
    if (!this.tracksError) return;
    const error = pressureMPa > targetMPa ? pressureMPa - targetMPa : targetMPa - pressureMPa;
    if (error <= bandMPa) this.inBandSamples++;
    const bin = errorBin(error);
    this.histogram[bin]++;
    if (bin > this.topBin) this.topBin = bin;
  }

  /** Closes the active step, its figures as refresh() leaves them. */
  end(): void {
    this.refresh();
    this.active = -1;
  }

  /**
   * The active step's figures so far: mean and, for error-tracking steps, p99 error (upper edge
   * of the bin holding the 99th percentile) and share in band (NaN and 0 for the others).
   * Scans the histogram: at the end of a step, or for a report during the run.
   */
  refresh(): void {
    const step = this.active;
    if (step < 0) return;
    this.meanMPa[step] = this.samples > 0 ? this.sumMPa / this.samples : this.endMPa[step];
    const bin = quantileBin(this.histogram, this.samples, 0.99, this.topBin);
    const p99 = bin < 0 ? 0 : errorBinUpperMPa(bin);
    this.errorP99MPa[step] = this.tracksError ? p99 : NaN;
    this.inBandPermille[step] = !this.tracksError ? 0 : this.samples > 0 ? Math.floor((this.inBandSamples * 1000) / this.samples) : 1000;
  }
}
