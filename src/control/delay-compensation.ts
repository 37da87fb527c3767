import type { PressCharacter } from '../../hal/press-character';
import { ActuatorHistory } from './actuator-history';
import type { PlantObservation } from './controller';

/**
 * A conversion older than this (and than two loop periods) is compensated, s. Below it the
 * delay costs the loop, whose crossover lies near kp = 3/s, a few degrees of phase: an
 * ADS1220 at 20 SPS (25 ms) or an HX711 at 80 SPS (25 ms) runs as measured.
 */
export const MIN_COMPENSATED_AGE_S = 0.05;

/**
 * The prediction runs ahead of the last conversion by at most this multiple of the rate the
 * last two conversions showed (plus their noise): before contact the pump moves the ram,
 * not the pressure, and a gain learnt on the last layer would predict a rise that is not
 * there. Capped, a prediction is never worse than the measurement itself.
 */
const RATE_CAP_FACTOR = 2;
/** Two conversions with noise σ show a rate of noise √2·σ·rate, three an acceleration of noise √6·σ·rate². */
const RATE_NOISE = Math.SQRT2;
const ACCELERATION_NOISE = Math.sqrt(6);
/** A rate or an acceleration counts when it is this many times its noise. */
const NOISE_FACTOR = 3;
/** Pump flow × time between two conversions below which they tell nothing of the pump's gain, full-speed s. */
const MIN_PUMPED_S = 0.001;

/** Is a converter whose conversions arrive `conversionAgeS` old slow enough to compensate at this loop period? */
export function needsDelayCompensation(conversionAgeS: number, loopPeriodS: number): boolean {
  return conversionAgeS > MIN_COMPENSATED_AGE_S && conversionAgeS > 2 * loopPeriodS;
}

/**
 * A slow converter's reading brought up to now (a Smith predictor), and what the gain
 * estimator should learn from instead.
 *
 * Prediction: a conversion tells the die pressure of `conversionAgeS` before it arrived;
 * since then the pump and the release valve have acted, and the controller knows by how
 * much: its learnt pump gain (MPa/s at full speed) × the pump's flow, less its release gain
 * × the opening × √p, integrated from the conversion's time to now. The gains are the ones
 * of the conversion's arrival, fixed until the next, and each new conversion replaces the
 * anchor, so a model error lasts one conversion at most.
 *
 * Observation: the gains must not be learnt from a prediction made with them (a gain
 * learnt a little high predicts a faster rise, which reads as a stiffer plant: it runs
 * away). The estimator gets the measurement instead, as of a conversion's age ago, drawn as
 * the line through the last two conversions rather than as a staircase (whose steps a
 * 50 ms rate window reads as twice the rate), together with the pump flow and valve
 * opening of that same moment.
 *
 * The actuator models are first-order lags of the levels driven (the pump's time constant
 * from the character, the valve's the controller's), or the stroke flow of a piston pump.
 * Their running integrals are kept per tick in a ring that reaches back past the oldest
 * moment looked up. The tick allocates nothing.
 */
export class DelayCompensation implements PlantObservation {
  /** The present die pressure as predicted, MPa: what the setpoint's governor goes by. */
  predictedMPa = 0;
  /**
   * What the law acts on, MPa: the prediction, or within a rise after a flat stretch the
   * higher one of a plant as stiff as the stiffest seen (predicting high makes the law pump
   * less, never more).
   */
  lawMPa = 0;
  /** The measurement as of `observationDelayMs` ago, on the line through the last two conversions, MPa. */
  observedMPa = NaN;
  /** The pump's flow and the valve's opening at that moment. */
  observedPumpFlow = -1;
  observedReleaseOpening = -1;
  /** How far the observation lags the tick, ms: a conversion's age. */
  readonly observationDelayMs: number;

  private readonly ageMs: number;
  /** One conversion's noise, N, and the conversion rate, 1/s. */
  private readonly noiseN: number;
  private readonly conversionsPerS: number;
  /** What the pump and the valve did, back past the oldest conversion's moment in use. */
  private readonly history: ActuatorHistory;
  /** The last conversion: its pressure, the time it tells of (ms), the sums there, the gains then. */
  private anchored = false;
  private anchorMPa = 0;
  private anchorTimeMs = 0;
  private anchorPumpSum = 0;
  private anchorReleaseSum = 0;
  private anchorPumpGain = 0;
  private anchorStiffestGain = 0;
  private anchorReleaseGain = 0;
  /** The conversion before it, for the observation's line. */
  private earlierMPa = NaN;
  private earlierTimeMs = 0;
  /** The rate the last two conversions showed, MPa/s, and how it grew since the two before, MPa/s². */
  private shownRateMPaPerS = 0;
  private shownAccelerationMPaPerS2 = 0;
  /** The sums at the last observation's moment, and that moment (ms). */
  private observedTimeMs = NaN;
  private observedPumpSum = 0;
  private observedOpeningSum = 0;
  /** The last two conversions showed a rise; the prediction takes the stiffest plant until then, ms. */
  private wasRising = false;
  private stiffUntilMs = -Infinity;

  constructor(
    character: PressCharacter,
    loopPeriodS: number,
    /** The controller: its learnt pump and release gains. */
    private readonly gains: { readonly pumpGain: number; readonly releaseGain: number; readonly stiffestPumpGain: number },
    releaseLagS: number,
  ) {
    const ageS = character.conversionAgeS;
    if (!(ageS > 0 && ageS < 10)) throw new RangeError(`delay compensation: character.conversionAgeS must be in (0, 10) s, got ${ageS}`);
    if (!(character.conversionsPerS > 0.1 && character.conversionsPerS < Infinity)) throw new RangeError(`delay compensation: character.conversionsPerS must be a number above 0.1, got ${character.conversionsPerS}`);
    if (!(character.loadCellNoiseN >= 0 && character.loadCellNoiseN < Infinity)) throw new RangeError(`delay compensation: character.loadCellNoiseN must be ≥ 0, got ${character.loadCellNoiseN}`);
    this.ageMs = ageS * 1000;
    this.noiseN = character.loadCellNoiseN;
    this.conversionsPerS = character.conversionsPerS;
    this.observationDelayMs = ageS * 1000;
    // Back to the oldest conversion's moment in use, with two more conversion periods of a late conversion.
    this.history = new ActuatorHistory(ageS + 3 / character.conversionsPerS, loopPeriodS, character.pumpTimeConstantS, releaseLagS);
  }

  /**
   * One tick: the actuators acted over the last period at the levels driven (`pumpFlow` ≥ 0
   * where a stroke model knows the pump's flow better than a lag of its level); a fresh
   * conversion (`fresh`, arrived at `sampleTimeMs`) becomes the anchor. Sets the
   * predictions and the observation.
   */
  update(nowMs: number, dtS: number, measuredMPa: number, fresh: boolean, sampleTimeMs: number, drivenPump: number, pumpFlow: number, drivenRelease: number, dieAreaMm2: number): void {
    const noiseMPa = this.noiseN / dieAreaMm2;
    const rateNoise = RATE_NOISE * noiseMPa * this.conversionsPerS;
    const history = this.history;
    history.record(nowMs, dtS, drivenPump, pumpFlow, drivenRelease, this.anchored ? this.predictedMPa : measuredMPa);

    if (fresh) {
      const previousPumpSum = this.anchorPumpSum;
      if (this.anchored) {
        this.earlierMPa = this.anchorMPa;
        this.earlierTimeMs = this.anchorTimeMs;
      }
      this.anchorMPa = measuredMPa;
      this.anchorTimeMs = sampleTimeMs - this.ageMs;
      history.at(this.anchorTimeMs);
      this.anchorPumpSum = history.foundPump;
      this.anchorReleaseSum = history.foundRelease;
      // Fixed until the next conversion: a gain learnt meanwhile would rescale the whole integral at once.
      // The last two conversions may show a stiffer plant than the controller has learnt yet (its
      // estimate follows them over several ticks): the stiffer of the two is the safe side.
      const pumped = this.anchorPumpSum - previousPumpSum;
      const earlier = this.earlierMPa;
      const gains = this.gains;
      const shown = this.anchored && earlier === earlier && pumped > MIN_PUMPED_S ? (measuredMPa - earlier) / pumped : 0;
      this.anchorPumpGain = shown > gains.pumpGain ? shown : gains.pumpGain;
      this.anchorStiffestGain = gains.stiffestPumpGain;
      // A rise after a flat stretch (contact after the gap, a ramp's start from a hold): until
      // the estimator has seen it (an observation delay), the law also weighs a plant as stiff
      // as the stiffest seen in the run.
      this.showRate();
      const rising = this.shownRateMPaPerS > NOISE_FACTOR * rateNoise;
      if (rising && !this.wasRising) this.stiffUntilMs = nowMs + this.observationDelayMs;
      this.wasRising = rising;
      this.anchorReleaseGain = gains.releaseGain;
      this.anchored = true;
    }
    this.observe(nowMs - this.observationDelayMs, measuredMPa);
    if (!this.anchored) {
      this.predictedMPa = measuredMPa;
      this.lawMPa = measuredMPa;
      return;
    }
    const pumped = history.pumpSum - this.anchorPumpSum;
    const releasedMPa = this.anchorReleaseGain * (history.releaseSum - this.anchorReleaseSum);
    const model = this.anchorPumpGain * pumped - releasedMPa;
    const cap = this.incrementCapMPa(nowMs, model > 0, rateNoise);
    const floor = measuredMPa < 0 ? measuredMPa : 0;
    // The governor's: never further from the conversions than their own trend lets it (and
    // the valve cannot take the die below nothing).
    let predicted = this.anchorMPa + (model > cap ? cap : model < -cap ? -cap : model);
    if (predicted < floor) predicted = floor;
    this.predictedMPa = predicted;
    // The law's: the model itself upward (a rise predicted that is not there makes the law
    // pump less, never more), capped downward as the governor's.
    let law = model > 0 ? this.anchorMPa + model : predicted;
    if (law < floor) law = floor;
    if (nowMs < this.stiffUntilMs) {
      const stiff = this.anchorMPa + this.anchorStiffestGain * pumped - releasedMPa;
      if (stiff > law) law = stiff;
    }
    // A rise that gathers pace (a powder stiffening as it compacts) outruns a gain learnt a
    // conversion late: the law also weighs the conversions' own trend, carried forward.
    const acceleration = this.shownAccelerationMPaPerS2;
    if (acceleration > NOISE_FACTOR * ACCELERATION_NOISE * noiseMPa * this.conversionsPerS * this.conversionsPerS && this.shownRateMPaPerS > NOISE_FACTOR * rateNoise) {
      const aheadS = (nowMs - this.anchorTimeMs) / 1000;
      const trend = this.anchorMPa + (this.shownRateMPaPerS + 0.5 * acceleration * aheadS) * aheadS;
      if (trend > law) law = trend;
    }
    this.lawMPa = law;
  }

  /** The rate of the last two conversions, and its change from the rate of the two before. */
  private showRate(): void {
    const earlier = this.earlierMPa;
    const spanS = (this.anchorTimeMs - this.earlierTimeMs) / 1000;
    const rate = earlier === earlier && spanS > 0 ? (this.anchorMPa - earlier) / spanS : 0;
    this.shownAccelerationMPaPerS2 = spanS > 0 ? (rate - this.shownRateMPaPerS) / spanS : 0;
    this.shownRateMPaPerS = rate;
  }

  /** How far the prediction may run from the anchor by now, upward or downward, MPa. */
  private incrementCapMPa(nowMs: number, upward: boolean, rateNoise: number): number {
    const elapsedS = (nowMs - this.anchorTimeMs) / 1000;
    const rate = upward ? this.shownRateMPaPerS : -this.shownRateMPaPerS;
    // A rate within the noise is none.
    return (RATE_CAP_FACTOR * (rate > NOISE_FACTOR * rateNoise ? rate : 0) + rateNoise) * elapsedS;
  }

  /** The observation at `atMs`: the line through the last two conversions there, and the actuators since the last observation. */
  private observe(atMs: number, measuredMPa: number): void {
    const earlier = this.earlierMPa;
    if (earlier !== earlier) {
      // Fewer than two conversions yet: the measurement as it is, the law's own actuator models.
      this.observedMPa = measuredMPa;
      this.observedPumpFlow = -1;
      this.observedReleaseOpening = -1;
      return;
    }
    const t0 = this.earlierTimeMs;
    const t1 = this.anchorTimeMs;
    if (atMs <= t0) this.observedMPa = earlier;
    else if (t1 <= t0) this.observedMPa = this.anchorMPa;
    else if (atMs >= t1) {
      // Beyond the last conversion the line goes on, for one conversion interval at most.
      const beyondMs = atMs - t1 < t1 - t0 ? atMs - t1 : t1 - t0;
      this.observedMPa = this.anchorMPa + ((this.anchorMPa - earlier) * beyondMs) / (t1 - t0);
    }
    else this.observedMPa = earlier + ((this.anchorMPa - earlier) * (atMs - t0)) / (t1 - t0);
    const history = this.history;
    history.at(atMs);
    const spanS = (atMs - this.observedTimeMs) / 1000;
    if (spanS > 0) {
      this.observedPumpFlow = (history.foundPump - this.observedPumpSum) / spanS;
      this.observedReleaseOpening = (history.foundOpening - this.observedOpeningSum) / spanS;
    }
    this.observedTimeMs = atMs;
    this.observedPumpSum = history.foundPump;
    this.observedOpeningSum = history.foundOpening;
    // Rounding can take a difference of equal sums a hair below zero; below zero means "not known".
    if (this.observedPumpFlow < 0) this.observedPumpFlow = 0;
    if (this.observedReleaseOpening < 0) this.observedReleaseOpening = 0;
  }
}
