import type { CompiledProgram } from '../src/programs/compile';
import { HoldMode, StepKind } from '../src/programs/compile';
import type { DryRunSession } from './scenario';
import { quantileBin } from '../src/stats/histogram';

/**
 * Control-quality figures of a dry run, judged on the true die pressure (what the sample
 * feels, which the simulator knows and the firmware does not), sampled at every control tick.
 * Definitions (docs/benchmarks.md, "Control quality"):
 * - overshoot: highest pressure over a ramp and the holds that follow it at the same
 *   target (or a maintain step approached from below), minus the target;
 * - settle: time from the start of a hold until |P − target| stays within the tolerance
 *   (0.5 % of the target for dynamic holds); for static holds, whose pressure may wander
 *   to the band edge by design, until it first enters the step's band;
 * - hold error p99: 99th percentile of |P − target| over the hold after settling;
 * - ramp tracking: how far the pressure strays from the PROGRAMMED ramp (a straight line at
 *   the step's programmed rate), not from the firmware's own setpoint. It is judged over the
 *   10–90 % window: from the first tick the pressure has covered 10 % of the way from where
 *   the ramp started to its target, to the first tick it has covered 90 %. Below 10 % the ram
 *   is still closing the gap and crushing loose powder, which no press follows a rate through;
 *   above 90 % a law may slow its approach on purpose (overshoot and settle judge that part).
 *   The programmed line's start time is fitted: of all lines P0 + r·(t − t0) at the programmed
 *   rate r, the one closest to the pressure over the window (in the largest deviation), so a
 *   ramp that runs at the programmed rate but started late is not penalised for the delay.
 *   The figure is that largest deviation: half the spread of P − r·t over the window. A ramp
 *   that sags, stalls, runs in steps or runs at the wrong rate shows in full: a steady rate
 *   error f over a ramp of span S scores 0.4·S·|f|/(1 + f), so for a ramp from zero the 1 %
 *   tolerance is a rate within about ±2.5 %;
 * - ramp rate: mean rate over the same window, 0.8 of the span over the time from the 10 %
 *   tick to the 90 % tick, as a percentage of the programmed rate;
 * - maintain: share of the time within ±1 % of the target from arrival on;
 * - pump duty: mean pump speed over the run.
 */
export interface StepFigures {
  index: number;
  type: string;
  targetMPa: number;
  /** Ramps (with their holds) and maintain steps approached from below. */
  overshootMPa: number | null;
  settleS: number | null;
  holdP99MPa: number | null;
  holdToleranceMPa: number | null;
  /** Largest |P − the time-aligned programmed ramp| over 10–90 % of the way (header); null if the ramp never covered 10 %. */
  rampTrackMaxMPa: number | null;
  /** Mean rate over 10–90 % of the way, % of the programmed rate; null if the ramp never covered 90 %. */
  rampRatePct: number | null;
  maintainInBandPct: number | null;
  /**
   * The same for the pressure the load cell indicates without its noise: true pressure
   * plus the cell's zero drift. What a perfect loop on this sensor could hold; the gap to
   * maintainInBandPct is the sensor's, not the loop's.
   */
  maintainIndicatedInBandPct: number | null;
  maintainP99MPa: number | null;
  maintainPumpStartsPerH: number | null;
  /** A release to a level above zero: how far it went below, over the release and the next step (a maintain: until it arrives). */
  releaseUndershootMPa: number | null;
}

export interface RunFigures {
  result: string;
  simTimeS: number;
  steps: StepFigures[];
  pumpDutyPct: number;
}

/** Upper end and resolution of the maintain error histogram, as fractions of the target. */
const MAINTAIN_HISTOGRAM_TOP = 0.2;
const MAINTAIN_HISTOGRAM_BIN = 0.0001;
/** Maintain steps are judged against ±1 % of the target. */
export const MAINTAIN_TOLERANCE = 0.01;
/** Dynamic holds are judged against 0.5 % of the target (ISO 7500-1 class 0.5). */
export const HOLD_TOLERANCE = 0.005;

interface StepAccumulator {
  peakMPa: number;
  minMPa: number;
  startS: number;
  /** Hold: time and |error| of every tick. */
  holdTimes: number[];
  holdErrors: number[];
  rampStartMPa: number;
  /** Ramp: first times the pressure passed 10 % and 90 % of the way. */
  rampT10: number;
  rampT90: number;
  /** Ramp: extremes of P − r·t over the 10–90 % window (r signed toward the target). */
  rampOffsetMinMPa: number;
  rampOffsetMaxMPa: number;
  maintainTicks: number;
  maintainInBand: number;
  maintainIndicatedInBand: number;
  maintainHistogram: Uint32Array | null;
  maintainArrivedS: number;
  /** Maintain: lowest pressure before arrival (the end of the release into it). */
  approachMinMPa: number;
  pumpStarts: number;
}

export class ControlMetrics {
  private readonly program: CompiledProgram;
  private readonly steps: StepAccumulator[] = [];
  private lastStep = -1;
  private pumpSum = 0;
  private ticks = 0;
  private pumpWasOn = false;

  constructor(session: DryRunSession) {
    this.program = session.firmware.program as CompiledProgram;
    for (let i = 0; i < this.program.stepCount; i++) {
      this.steps.push({
        peakMPa: -Infinity,
        minMPa: Infinity,
        startS: NaN,
        holdTimes: [],
        holdErrors: [],
        rampStartMPa: NaN,
        rampT10: NaN,
        rampT90: NaN,
        rampOffsetMinMPa: Infinity,
        rampOffsetMaxMPa: -Infinity,
        maintainTicks: 0,
        maintainInBand: 0,
        maintainIndicatedInBand: 0,
        maintainHistogram: null,
        maintainArrivedS: NaN,
        approachMinMPa: Infinity,
        pumpStarts: 0,
      });
    }
  }

  /** Feed after every control tick (DryRunOptions.onTick). */
  sample(session: DryRunSession): void {
    const { sim, firmware } = session;
    const seq = firmware.sequencer;
    const pump = sim.pump.appliedLevel;
    this.pumpSum += pump;
    this.ticks++;
    const pumpOn = pump > 0;
    const startedPump = pumpOn && !this.pumpWasOn;
    this.pumpWasOn = pumpOn;
    if (!seq.active) return;
    const i = seq.stepIndex;
    const p = this.program;
    const acc = this.steps[i];
    const timeS = sim.timeS;
    const pressure = sim.plant.diePressureMPa;
    const target = p.targetMPa[i];
    if (i !== this.lastStep) {
      this.lastStep = i;
      acc.startS = timeS;
      acc.rampStartMPa = pressure;
    }
    if (pressure > acc.peakMPa) acc.peakMPa = pressure;
    if (pressure < acc.minMPa) acc.minMPa = pressure;
    const error = pressure > target ? pressure - target : target - pressure;
    switch (p.kind[i]) {
      case StepKind.ramp: {
        const fraction = (pressure - acc.rampStartMPa) / (target - acc.rampStartMPa);
        const inWindow = acc.rampT10 === acc.rampT10 ? acc.rampT90 !== acc.rampT90 : fraction >= 0.1;
        if (fraction >= 0.1 && acc.rampT10 !== acc.rampT10) acc.rampT10 = timeS;
        if (fraction >= 0.9 && acc.rampT90 !== acc.rampT90) acc.rampT90 = timeS;
        if (inWindow) {
          const rate = target >= acc.rampStartMPa ? p.rateMPaPerS[i] : -p.rateMPaPerS[i];
          const offset = pressure - rate * (timeS - acc.startS);
          if (offset < acc.rampOffsetMinMPa) acc.rampOffsetMinMPa = offset;
          if (offset > acc.rampOffsetMaxMPa) acc.rampOffsetMaxMPa = offset;
        }
        break;
      }
      case StepKind.hold:
        acc.holdTimes.push(timeS - acc.startS);
        acc.holdErrors.push(error);
        break;
      case StepKind.maintain:
        if (seq.arrivedMs < 0) {
          if (pressure < acc.approachMinMPa) acc.approachMinMPa = pressure;
          break;
        }
        if (acc.maintainHistogram === null) {
          acc.maintainHistogram = new Uint32Array(Math.round(MAINTAIN_HISTOGRAM_TOP / MAINTAIN_HISTOGRAM_BIN) + 1);
          acc.maintainArrivedS = timeS;
        }
        acc.maintainTicks++;
        if (error <= MAINTAIN_TOLERANCE * target) acc.maintainInBand++;
        {
          const indicated = pressure + sim.adc.driftN / sim.stack.dieAreaM2 / 1e6;
          const indicatedError = indicated > target ? indicated - target : target - indicated;
          if (indicatedError <= MAINTAIN_TOLERANCE * target) acc.maintainIndicatedInBand++;
        }
        {
          const bin = Math.floor(error / target / MAINTAIN_HISTOGRAM_BIN);
          acc.maintainHistogram[bin < acc.maintainHistogram.length ? bin : acc.maintainHistogram.length - 1]++;
        }
        if (startedPump) acc.pumpStarts++;
        break;
    }
  }

  figures(result: string, simTimeS: number): RunFigures {
    const p = this.program;
    const steps: StepFigures[] = [];
    for (let i = 0; i < p.stepCount; i++) {
      const acc = this.steps[i];
      if (acc.startS !== acc.startS) break;
      const kind = p.kind[i];
      const target = p.targetMPa[i];
      const figures: StepFigures = {
        index: i,
        type: p.typeNames[i],
        targetMPa: target,
        overshootMPa: null,
        settleS: null,
        holdP99MPa: null,
        holdToleranceMPa: null,
        rampTrackMaxMPa: null,
        rampRatePct: null,
        maintainInBandPct: null,
        maintainIndicatedInBandPct: null,
        maintainP99MPa: null,
        maintainPumpStartsPerH: null,
        releaseUndershootMPa: null,
      };
      if (kind === StepKind.ramp) {
        let peak = acc.peakMPa;
        for (let j = i + 1; j < p.stepCount && p.kind[j] === StepKind.hold && this.steps[j].startS === this.steps[j].startS; j++) {
          if (this.steps[j].peakMPa > peak) peak = this.steps[j].peakMPa;
        }
        figures.overshootMPa = Math.max(0, peak - target);
        // No figure for a ramp that never covered 10 % of its way (the run ended first).
        if (acc.rampOffsetMaxMPa >= acc.rampOffsetMinMPa) figures.rampTrackMaxMPa = (acc.rampOffsetMaxMPa - acc.rampOffsetMinMPa) / 2;
        if (acc.rampT90 === acc.rampT90 && acc.rampT90 > acc.rampT10) {
          const rate = (0.8 * (target - acc.rampStartMPa)) / (acc.rampT90 - acc.rampT10);
          figures.rampRatePct = (100 * rate) / p.rateMPaPerS[i];
        }
      } else if (kind === StepKind.hold) {
        const tolerance = p.holdMode[i] === HoldMode.static ? Math.max(p.bandMPa[i], HOLD_TOLERANCE * target) : HOLD_TOLERANCE * target;
        figures.holdToleranceMPa = tolerance;
        const errors = acc.holdErrors;
        let settledAt = 0;
        if (p.holdMode[i] === HoldMode.static) {
          // A static hold lets the pressure wander to its band edge by design: settled at first entry.
          while (settledAt < errors.length && errors[settledAt] > tolerance) settledAt++;
        } else {
          for (let k = 0; k < errors.length; k++) if (errors[k] > tolerance) settledAt = k + 1;
        }
        figures.settleS = settledAt >= errors.length ? Infinity : settledAt === 0 ? 0 : acc.holdTimes[settledAt];
        figures.holdP99MPa = percentile(errors.slice(settledAt), 0.99);
      } else if (kind === StepKind.maintain) {
        if (acc.maintainTicks > 0) {
          figures.maintainInBandPct = (100 * acc.maintainInBand) / acc.maintainTicks;
          figures.maintainIndicatedInBandPct = (100 * acc.maintainIndicatedInBand) / acc.maintainTicks;
          figures.maintainP99MPa = histogramPercentile(acc.maintainHistogram as Uint32Array, acc.maintainTicks, 0.99) * MAINTAIN_HISTOGRAM_BIN * target;
          const hours = (this.stepEndS(i, simTimeS) - acc.maintainArrivedS) / 3600;
          figures.maintainPumpStartsPerH = hours > 0 ? acc.pumpStarts / hours : 0;
        }
        const before = i > 0 ? this.steps[i - 1] : null;
        if (i === 0 || (before !== null && p.kind[i - 1] !== StepKind.release)) {
          figures.overshootMPa = Math.max(0, acc.peakMPa - target);
        }
      } else if (kind === StepKind.release && target > 0.5) {
        let low = acc.minMPa;
        const next = i + 1 < p.stepCount ? this.steps[i + 1] : null;
        const nextLow = next === null ? Infinity : p.kind[i + 1] === StepKind.maintain ? next.approachMinMPa : next.minMPa;
        if (nextLow < low) low = nextLow;
        figures.releaseUndershootMPa = Math.max(0, target - low);
      }
      steps.push(figures);
    }
    return { result, simTimeS, steps, pumpDutyPct: this.ticks > 0 ? (100 * this.pumpSum) / this.ticks : 0 };
  }

  private stepEndS(i: number, simTimeS: number): number {
    const next = i + 1 < this.steps.length ? this.steps[i + 1].startS : NaN;
    return next === next ? next : simTimeS;
  }
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Upper edge (in bins) of the bin holding the q-quantile. */
function histogramPercentile(histogram: Uint32Array, count: number, q: number): number {
  const bin = quantileBin(histogram, count, q, histogram.length - 1);
  return bin < 0 ? histogram.length : bin + 1;
}
