import type { LoadCellAdc } from '../../hal/loadcell-adc';
import { AdcError } from '../../hal/loadcell-adc';
import type { SeededRandom } from '../physics/rng';

/** A load cell on a 24-bit ADC: counts per newton, offset, noise, conversion rate. */
export interface LoadCellSensorParams {
  name: string;
  capacityN: number;
  sampleRateSps: number;
  /** Counts at zero load (bridge offset). */
  offsetCounts: number;
  countsPerN: number;
  /** Input-referred noise of one conversion, N rms. */
  noiseRmsN: number;
  fullScaleCounts: number;
}

/**
 * ADS1220-style load-cell ADC: each conversion reports the mean force over its conversion
 * period (a sinc filter's average), plus Gaussian noise, quantised to whole counts and
 * clipped at full scale. Finished conversions queue in a small FIFO that poll() drains, as
 * the DRDY interrupt handler does on the board.
 */
export class SimLoadCellAdc implements LoadCellAdc {
  readonly sampleRateSps: number;
  readonly fullScaleCounts: number;
  counts = 0;
  sampleTimeMs = 0;
  error = 0;

  private readonly periodUs: number;
  private nextConversionEndUs: number;
  private forceIntegralNUs = 0;
  private integratedUs = 0;
  private readonly fifoCounts = new Int32Array(64);
  private readonly fifoTimeMs = new Float64Array(64);
  private fifoHead = 0;
  private fifoLength = 0;

  constructor(readonly params: LoadCellSensorParams, private readonly random: SeededRandom) {
    this.sampleRateSps = params.sampleRateSps;
    this.fullScaleCounts = params.fullScaleCounts;
    this.periodUs = 1e6 / params.sampleRateSps;
    this.nextConversionEndUs = this.periodUs;
  }

  /** Called by the simulator after each physics step ending at nowUs with the force it carried. */
  integrate(forceN: number, dtUs: number, nowUs: number): void {
    this.forceIntegralNUs += forceN * dtUs;
    this.integratedUs += dtUs;
    if (nowUs >= this.nextConversionEndUs) {
      const meanN = this.forceIntegralNUs / this.integratedUs;
      this.forceIntegralNUs = 0;
      this.integratedUs = 0;
      const p = this.params;
      let counts = Math.round(p.offsetCounts + (meanN + p.noiseRmsN * this.random.gaussian()) * p.countsPerN);
      if (counts > p.fullScaleCounts) counts = p.fullScaleCounts;
      if (counts < -p.fullScaleCounts) counts = -p.fullScaleCounts;
      this.push(counts, nowUs / 1000);
      this.nextConversionEndUs += this.periodUs;
    }
  }

  poll(): boolean {
    if (this.fifoLength === 0) return false;
    this.counts = this.fifoCounts[this.fifoHead];
    this.sampleTimeMs = this.fifoTimeMs[this.fifoHead];
    this.fifoHead = (this.fifoHead + 1) & 63;
    this.fifoLength--;
    return true;
  }

  clearError(): void {
    this.error = AdcError.none;
  }

  private push(counts: number, timeMs: number): void {
    if (this.fifoLength === 64) {
      // The reader fell behind: the oldest conversion is lost, as on the board.
      this.fifoHead = (this.fifoHead + 1) & 63;
      this.fifoLength--;
    }
    const tail = (this.fifoHead + this.fifoLength) & 63;
    this.fifoCounts[tail] = counts;
    this.fifoTimeMs[tail] = timeMs;
    this.fifoLength++;
  }
}
