import type { PressCharacter } from '../../hal/press-character';
import type { CompiledProgram } from '../programs/compile';
import { HoldMode, StepKind } from '../programs/compile';
import { HOLD_DEADBAND_FRACTION, MIN_HOLD_DEADBAND_MPA } from './controller';

/**
 * What a program can expect on a press, before it runs: for each step the overshoot, the
 * hold error (99th percentile of |true pressure − target| once settled) and, for maintain
 * steps, the share of time within the step's band — each built from the press's commissioned
 * character (hal/press-character.ts) and the control law's own mechanics (docs/control.md).
 * A step that asks for more than the press or its sensor can give gets a warning naming the
 * cause: the friction jump, the load cell's noise or zero drift, the converter's delay, the
 * pump's strokes. Checked against dry runs on every plant preset × example by
 * `npm run bench:control` (predicted against measured hold error, docs/benchmarks.md).
 */

export const Cause = Object.freeze({
  friction: 'friction jump',
  noise: 'load-cell noise',
  drift: 'load-cell zero drift',
  delay: 'converter delay',
  strokes: 'pump strokes',
  rate: 'ramp rate',
  air: 'air in the oil',
  deadband: 'control dead band',
} as const);
export type CauseName = (typeof Cause)[keyof typeof Cause];

export interface StepForecast {
  index: number;
  targetMPa: number;
  /** Expected overshoot above the target on arrival, MPa (ramps and maintain approaches; NaN otherwise). */
  overshootMPa: number;
  /** Ramps: expected largest distance from the programmed line, MPa (NaN otherwise). */
  trackErrorMPa: number;
  /** Ramps: expected mean rate, % of the programmed one (NaN otherwise). */
  rampRatePct: number;
  /** Expected p99 |true − target| while holding, MPa (holds and maintain steps; NaN otherwise). */
  holdErrorMPa: number;
  /** The step's tolerance the forecast is judged against, MPa (its band; NaN when not holding). */
  toleranceMPa: number;
  /** Maintain: expected share of the time within the band, % (NaN otherwise). */
  inBandPct: number;
  /** The largest contribution to the hold error (or to the overshoot, for a ramp). */
  cause: CauseName | '';
  /** Set when the step is expected to miss its band or overshoot allowance: why, in words. */
  warning: string;
}

export interface Forecast {
  steps: StepForecast[];
  /** Steps with a warning. */
  warnings: StepForecast[];
}

/** The load cell's p99 noise: 2.58 σ of the reading the loop acts on. */
const P99_SIGMAS = 2.58;
/** The simulated and the typical real cell hold a drift slope about this long (a thermal time constant), h. */
const DRIFT_SEGMENT_H = 1 / 3;
/** Overshoot allowance: 0.5 % of the target, at least 0.5 MPa (the benchmark's, ISO 7500-1 class 0.5). */
const OVERSHOOT_FRACTION = 0.005;
const MIN_OVERSHOOT_MPA = 0.5;
/** A hold settles within 0.5 % of its target (ISO 7500-1 class 0.5). */
const HOLD_TOLERANCE_FRACTION = 0.005;
/** The reference governor lets the setpoint lead the reading by 0.6 % of the target, at least 0.25 MPa (src/press/control-tick.ts). */
const GOVERNOR_LEAD_FRACTION = 0.006;
const MIN_GOVERNOR_LEAD_MPA = 0.25;
/** A ramp is expected at 90–110 % of its programmed rate (the benchmark's target). */
const MIN_RAMP_RATE_PCT = 90;
/** Ramp tracking is judged against 1 % of the target; the gain estimate follows a softening column this late, s. */
const TRACK_FRACTION = 0.01;
const AIR_LAG_S = 0.4;
/** Air that softens the column at 1 MPa by less than this share lets the gain estimate keep up. */
const MIN_AIR_SOFTENING = 0.5;
/**
 * Where the law leaves the error, as a share of the band: a maintain step corrects at half
 * its band and mostly lands near the target; a static hold wanders to its band edge.
 */
const MAINTAIN_FLOOR_FRACTION = 0.35;
const STATIC_FLOOR_FRACTION = 0.9;
/** Holds shorter than this still carry the arrival's last swing in their p99 (up to this factor of the dead band). */
const SHORT_HOLD_S = 60;
/** A maintain step approached from below arrives with this many seconds of its approach rate to spare. */
const MAINTAIN_ARRIVAL_S = 0.3;
const MAX_ARRIVAL_FACTOR = 2.5;

function overshootAllowanceMPa(targetMPa: number): number {
  return OVERSHOOT_FRACTION * targetMPa > MIN_OVERSHOOT_MPA ? OVERSHOOT_FRACTION * targetMPa : MIN_OVERSHOOT_MPA;
}

function dieMPa(forceN: number, dieAreaMm2: number): number {
  return forceN / dieAreaMm2;
}

/**
 * Typical |zero drift| after `hours` of a cell whose slope is redrawn every segment from
 * ±rate: the mean of a uniform slope is rate/2 over the first segment, a random walk after.
 */
function typicalDriftN(character: PressCharacter, hours: number): number {
  const rate = character.loadCellDriftNPerHour;
  const drift = hours <= DRIFT_SEGMENT_H ? 0.5 * rate * hours : rate * Math.sqrt((DRIFT_SEGMENT_H * hours) / 3) + 0.5 * rate * DRIFT_SEGMENT_H;
  return drift < character.loadCellDriftLimitN ? drift : character.loadCellDriftLimitN;
}

/** Share of the stick-slip jump that reaches a step: none while the seal's presliding range covers the corrections. */
function jumpMPa(character: PressCharacter, dieAreaMm2: number, correctionMPa: number): number {
  const presliding = dieMPa(character.preslidingForceN, dieAreaMm2);
  // Corrections within the presliding range move the seal lip, not the ram: no jump.
  return presliding > correctionMPa ? 0 : dieMPa(character.stickSlipJumpN, dieAreaMm2);
}

export function forecastProgram(program: CompiledProgram, character: PressCharacter, loopRateHz: number): Forecast {
  const steps: StepForecast[] = [];
  const warnings: StepForecast[] = [];
  const area = program.dieAreaMm2;
  const conversionsPerTick = character.conversionsPerS / loopRateHz > 1 ? character.conversionsPerS / loopRateHz : 1;
  const noiseMPa = (P99_SIGMAS * dieMPa(character.loadCellNoiseN, area)) / Math.sqrt(conversionsPerTick);
  let elapsedH = 0;
  for (let i = 0; i < program.stepCount; i++) {
    const kind = program.kind[i];
    const target = program.targetMPa[i];
    const forecast: StepForecast = { index: i, targetMPa: target, overshootMPa: NaN, trackErrorMPa: NaN, rampRatePct: NaN, holdErrorMPa: NaN, toleranceMPa: NaN, inBandPct: NaN, cause: '', warning: '' };
    const rate = program.rateMPaPerS[i];
    if (kind === StepKind.ramp || (kind === StepKind.maintain && (i === 0 || program.kind[i - 1] !== StepKind.release))) {
      // Arriving, the seal may still let go of part of a jump: the less of it its presliding takes.
      const jump = dieMPa(character.stickSlipJumpN, area);
      const presliding = dieMPa(character.preslidingForceN, area);
      const frictionOvershoot = jump > 0 ? jump * Math.sqrt(jump / (jump + presliding)) : 0;
      const strokeOvershoot = character.pumpKind === 'piston' ? strokeRiseMPa(character, area, rate) : 0;
      forecast.overshootMPa = frictionOvershoot > strokeOvershoot ? frictionOvershoot : strokeOvershoot;
      const overshootCause = frictionOvershoot > strokeOvershoot ? Cause.friction : Cause.strokes;
      const allowance = overshootAllowanceMPa(target);
      // The setpoint may lead the reading by the governor's lead; a reading older than lead/rate slows the ramp.
      const lead = GOVERNOR_LEAD_FRACTION * target > MIN_GOVERNOR_LEAD_MPA ? GOVERNOR_LEAD_FRACTION * target : MIN_GOVERNOR_LEAD_MPA;
      const lagMPa = rate * character.conversionAgeS;
      forecast.rampRatePct = kind === StepKind.ramp ? (lagMPa > lead ? (100 * lead) / lagMPa : 100) : NaN;
      // Tracking the programmed line: a stuck ram lags by a jump before it lets go; air in the oil
      // softens the column at low pressure, where the law's gain estimate lags the softening.
      const softening = character.oilStiffnessAt1MPaNPerMm > 0 ? character.oilStiffnessNPerMm / character.oilStiffnessAt1MPaNPerMm - 1 : 0;
      const airLagMPa = softening > MIN_AIR_SOFTENING ? AIR_LAG_S * rate * softening : 0;
      forecast.trackErrorMPa = frictionOvershoot > airLagMPa ? frictionOvershoot : airLagMPa;
      const trackCause = frictionOvershoot > airLagMPa ? Cause.friction : Cause.air;
      if (kind === StepKind.ramp && frictionOvershoot > lead) {
        // The setpoint waits at the lead while the ram sticks: the ramp slows to lead per jump.
        const stickRate = (100 * lead) / frictionOvershoot;
        if (stickRate < forecast.rampRatePct) forecast.rampRatePct = stickRate;
      }
      forecast.cause = overshootCause;
      if (forecast.overshootMPa > allowance) {
        forecast.warning = `may overshoot ${target} MPa by about ${forecast.overshootMPa.toFixed(2)} MPa (allowance ${allowance.toFixed(2)}): ${explain(overshootCause, character, area, rate)}`;
      } else if (kind === StepKind.ramp && forecast.trackErrorMPa > TRACK_FRACTION * target) {
        forecast.cause = trackCause;
        forecast.warning = `may stray ${forecast.trackErrorMPa.toFixed(2)} MPa from the programmed ramp (1 % of the target is ${(TRACK_FRACTION * target).toFixed(2)}): ${explain(trackCause, character, area, rate)}`;
      } else if (forecast.rampRatePct < MIN_RAMP_RATE_PCT) {
        forecast.cause = lagMPa > lead ? Cause.delay : Cause.friction;
        forecast.warning = `may ramp at only about ${forecast.rampRatePct.toFixed(0)} % of ${rate} MPa/s: ${explain(forecast.cause, character, area, rate)}`;
      }
    }
    if (kind === StepKind.release && target > 0) {
      // Released to a level, a stuck ram follows the oil down only once the seal lets go the other way.
      const jump = dieMPa(character.stickSlipJumpN, area);
      const allowance = overshootAllowanceMPa(target);
      if (jump > 2 * allowance) {
        forecast.cause = Cause.friction;
        forecast.warning = `may stop short of ${target} MPa and then jump past it: ${explain(Cause.friction, character, area, rate)}`;
      }
    }
    if (kind === StepKind.hold || kind === StepKind.maintain) {
      const band = program.bandMPa[i];
      const hours = program.durationS[i] / 3600;
      const drift = dieMPa(typicalDriftN(character, elapsedH + hours), area);
      let floor: number;
      let floorCause: CauseName;
      const approached = kind === StepKind.maintain && (i === 0 || program.kind[i - 1] !== StepKind.release);
      if (kind === StepKind.maintain) {
        // Approached from below, the arrival's overshoot is part of the step.
        const arrival = approached ? MAINTAIN_ARRIVAL_S * rate : 0;
        floor = Math.sqrt(MAINTAIN_FLOOR_FRACTION * band * MAINTAIN_FLOOR_FRACTION * band + arrival * arrival);
        floorCause = Cause.friction;
      } else if (program.holdMode[i] === HoldMode.static) {
        floor = STATIC_FLOOR_FRACTION * band;
        floorCause = Cause.friction;
      } else {
        // The dead band, and in a short hold the arrival's last swing inside the tolerance.
        const deadband = HOLD_DEADBAND_FRACTION * target > MIN_HOLD_DEADBAND_MPA ? HOLD_DEADBAND_FRACTION * target : MIN_HOLD_DEADBAND_MPA;
        const short = SHORT_HOLD_S / (program.durationS[i] > 1 ? program.durationS[i] : 1);
        const arrival = 1 + short * short;
        floor = deadband * (arrival < MAX_ARRIVAL_FACTOR ? arrival : MAX_ARRIVAL_FACTOR);
        floorCause = Cause.deadband;
      }
      // A static hold or a maintain step corrects through the seal: where its presliding range does
      // not absorb a correction the ram jumps, and the pressure sits half a jump either side. A
      // dynamic hold's dead band lets a stuck ram stay put.
      const jump = kind === StepKind.hold && program.holdMode[i] === HoldMode.dynamic ? 0 : 0.5 * jumpMPa(character, area, floor);
      const terms = [
        [floorCause, floor],
        [Cause.friction, jump],
        [Cause.noise, noiseMPa],
        [Cause.drift, drift],
        // A maintain step's approach arrives late by the converter's age.
        [Cause.delay, approached ? 2 * rate * character.conversionAgeS : 0],
      ] as [CauseName, number][];
      let sumSquares = 0;
      let worst = terms[0];
      for (const t of terms) {
        sumSquares += t[1] * t[1];
        if (t[1] > worst[1]) worst = t;
      }
      forecast.holdErrorMPa = Math.sqrt(sumSquares);
      forecast.toleranceMPa = band;
      forecast.cause = worst[0];
      if (kind === StepKind.maintain) {
        // The indicated pressure stays within the band; the true one leaves it as the zero drifts.
        const rateMPaPerH = dieMPa(character.loadCellDriftNPerHour, area) / 2;
        const spare = band - floor - jump - noiseMPa;
        const leaveH = spare <= 0 ? 0 : rateMPaPerH > 0 ? spare / rateMPaPerH : Infinity;
        forecast.inBandPct = hours <= 0 ? 100 : leaveH >= hours ? 100 : (100 * leaveH) / hours;
      }
      const heldJump = dieMPa(character.stickSlipJumpN, area);
      const arrival = i > 0 && program.kind[i - 1] === StepKind.ramp ? steps[i - 1] : null;
      if (kind === StepKind.hold && arrival !== null && arrival.warning !== '' && arrival.overshootMPa === arrival.overshootMPa && arrival.overshootMPa > HOLD_TOLERANCE_FRACTION * target) {
        forecast.cause = arrival.cause;
        forecast.warning = `may take long to settle at ${target} MPa after the ramp's overshoot of about ${arrival.overshootMPa.toFixed(2)} MPa: ${explain(arrival.cause as CauseName, character, area, rate)}`;
      } else if (kind === StepKind.hold && program.holdMode[i] === HoldMode.dynamic && heldJump > band) {
        forecast.cause = Cause.friction;
        forecast.warning = `may not settle within ±${band.toFixed(2)} MPa at ${target} MPa: ${explain(Cause.friction, character, area, rate)}`;
      } else if (forecast.holdErrorMPa > band) {
        forecast.warning = `expect ±${forecast.holdErrorMPa.toFixed(2)} MPa at ${target} MPa against a band of ±${band.toFixed(2)}: ${explain(worst[0], character, area, rate, hours)}`;
      } else if (kind === StepKind.maintain && forecast.inBandPct < 99.9) {
        forecast.cause = Cause.drift;
        forecast.warning = `the true pressure may stay within ±${band.toFixed(2)} MPa only about ${forecast.inBandPct.toFixed(0)} % of the time: ${explain(Cause.drift, character, area, rate, hours)}`;
      }
    }
    if (program.durationS[i] > 0) elapsedH += program.durationS[i] / 3600;
    steps.push(forecast);
    if (forecast.warning !== '') warnings.push(forecast);
  }
  return { steps, warnings };
}

/** Die-pressure rise of one pump stroke at the programmed rate's pump speed, MPa. */
function strokeRiseMPa(character: PressCharacter, dieAreaMm2: number, rateMPaPerS: number): number {
  // Oil of one stroke into a stiff stack: the oil column and the frame share it.
  const oilMm3PerN = 1 / character.oilStiffnessNPerMm / character.ramAreaMm2;
  const frameShare = character.frameStiffnessNPerMm / (character.frameStiffnessNPerMm + character.oilStiffnessNPerMm);
  const forceN = (character.pumpStrokeMm3 / (oilMm3PerN * character.ramAreaMm2)) * frameShare;
  const rise = dieMPa(forceN, dieAreaMm2);
  // A ramp slower than one stroke per second arrives within a fraction of a stroke.
  return rateMPaPerS < rise ? rise * 0.5 : rise;
}

function explain(cause: CauseName, character: PressCharacter, dieAreaMm2: number, rateMPaPerS: number, hours = 0): string {
  switch (cause) {
    case Cause.friction:
      return `the ram's seals stick and slip in jumps of about ${dieMPa(character.stickSlipJumpN, dieAreaMm2).toFixed(2)} MPa at this die (a larger die, a spring stack under the cell or low-friction seals make it smaller)`;
    case Cause.noise:
      return `the load cell's noise is ±${(P99_SIGMAS * dieMPa(character.loadCellNoiseN, dieAreaMm2)).toFixed(3)} MPa at this die (a cell sized to the load)`;
    case Cause.drift:
      return `the load cell's zero drifts up to ${dieMPa(character.loadCellDriftNPerHour, dieAreaMm2).toFixed(2)} MPa per hour at this die, ${dieMPa(character.loadCellDriftLimitN, dieAreaMm2).toFixed(2)} MPa at most${hours > 0 ? ` over ${hours.toFixed(1)} h` : ''} (a cell sized to the load, tared just before)`;
    case Cause.delay:
      return `the converter's reading is ${(character.conversionAgeS * 1000).toFixed(0)} ms old, ${(rateMPaPerS * character.conversionAgeS).toFixed(2)} MPa at ${rateMPaPerS} MPa/s (a faster converter rate, or a slower ramp)`;
    case Cause.strokes:
      return `the piston pump delivers in strokes of about ${strokeRiseMPa(character, dieAreaMm2, Infinity).toFixed(2)} MPa each on a stiff stack (a slower ramp, or a gear pump)`;
    case Cause.air:
      return `air in the oil makes the column ${(character.oilStiffnessNPerMm / character.oilStiffnessAt1MPaNPerMm).toFixed(1)}× softer at 1 MPa than at pressure (bleed the cylinder)`;
    case Cause.deadband:
      return `the band is tighter than the control law's dead band at this pressure (0.15 % of the target)`;
    default:
      return `the ramp asks ${rateMPaPerS} MPa/s`;
  }
}

/**
 * The forecast's warnings as validation warnings, with the JSON path of each step: what the
 * press says about a program for its own configuration when it is uploaded (PROG:WARN?).
 * A press without a commissioned character says that it cannot forecast.
 */
export function feasibilityWarnings(program: CompiledProgram, character: PressCharacter | null, loopRateHz: number): { path: string; message: string }[] {
  if (character === null) return [{ path: '', message: 'this press has no commissioned character (stick-slip, load-cell noise and drift, converter, pump): no forecast of overshoot or hold error' }];
  const warnings: { path: string; message: string }[] = [];
  for (const step of forecastProgram(program, character, loopRateHz).warnings) {
    warnings.push({ path: program.sourcePaths[step.index] ?? '', message: step.warning });
  }
  return warnings;
}
