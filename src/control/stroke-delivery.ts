import type { PressCharacter } from '../../hal/press-character';
import type { PlantObservation } from './controller';

const TWO_PI = 2 * Math.PI;
/** A rise of this many times the converter's noise over the flat stretch's lowest reading starts a stroke... */
const ONSET_NOISE_FACTOR = 10;
/** ...and at least this force, N. */
const MIN_ONSET_N = 5;
/** The rise counts as a stroke's start only after the crank turned this far without one, rad... */
const MIN_FLAT_RAD = 0.5 * Math.PI;
/** ...and not farther (beyond, the ram was closing a gap or the stack swallowing oil), rad. */
const MAX_FLAT_RAD = 3 * Math.PI;

/**
 * Stroke-aware delivery for a piston pump. The control law asks for a pump level as if the
 * pump delivered steadily (a share of its mean flow at full speed); a piston delivers in
 * half-sine strokes, and at a low speed the suction half between two strokes is a dead time
 * of seconds, after which a stroke at fixed speed delivers several MPa on a stiff stack.
 *
 * This module turns the level into a motor speed that delivers the same oil in time:
 * slowly through the part of a stroke that delivers (speed = level ÷ the stroke's flow at
 * that crank angle, so the oil per second is what the law asked), at full speed through the
 * suction half, which then takes a fraction of a second. A level of 0 stops the crank where
 * it is, mid-stroke. No sensor gives the crank angle: it is dead-reckoned from the speeds the
 * pump was driven at, through the motor's time constant, and set again at every stroke's
 * start seen on the load cell (a rise after a flat stretch while the crank turned; where it
 * stands then follows from the rise and the MPa of a whole stroke, the controller's learnt
 * pump gain × the stroke period). The speed is never faster than the crank's angle now needs,
 * nor than where it will be one motor time constant ahead: the motor slows early, so it has
 * slowed by the time a stroke begins, and speeds up late.
 *
 * Until a stroke's start has been seen the level passes through unchanged. A pump of two
 * or more pistons has no flat stretch between strokes to see, and stays so.
 */
export class StrokeDelivery implements PlantObservation {
  /** Estimated crank angle, rad in [0, 2π): piston 0 starts to deliver at 0. Valid once synced. */
  crankRad = 0;
  /** Modelled motor speed, share of full speed. */
  speed = 0;
  /** A stroke's start has been seen: the crank angle is known. */
  synced = false;
  /** Strokes' starts the crank angle was set from. */
  syncs = 0;
  /** The last correction of the crank angle at a stroke's start, rad (estimate − seen). */
  lastSyncErrorRad = 0;
  /**
   * The pump's flow over the last period, share of its mean flow at full speed, from the
   * crank's turning; −1 until synced. The controller learns its pump gain against this.
   */
  flow = -1;
  /** The controller learns from the measured pressure and the valve as commanded... */
  readonly observedMPa = NaN;
  readonly observedReleaseOpening = -1;

  private readonly radPerS: number;
  private readonly timeConstantS: number;
  private readonly pistons: number;
  private readonly strokesPerS: number;
  private readonly onsetN: number;
  private baselineMPa = Infinity;
  private flatRad = 0;

  constructor(
    character: PressCharacter,
    /** The controller: its learnt pump gain, MPa/s at full speed, gives the MPa of one stroke. */
    private readonly gains: { readonly pumpGain: number },
  ) {
    if (character.pumpKind !== 'piston') throw new RangeError(`stroke delivery: character.pumpKind is '${character.pumpKind}', not 'piston'`);
    positive(character.pumpStrokesPerS, 'character.pumpStrokesPerS');
    if (!(character.pumpPistons >= 1 && character.pumpPistons === Math.floor(character.pumpPistons))) throw new RangeError(`stroke delivery: character.pumpPistons must be a whole number ≥ 1, got ${character.pumpPistons}`);
    if (!(character.pumpTimeConstantS >= 0 && character.pumpTimeConstantS < 10)) throw new RangeError(`stroke delivery: character.pumpTimeConstantS must be in [0, 10) s, got ${character.pumpTimeConstantS}`);
    if (!(character.loadCellNoiseN >= 0)) throw new RangeError(`stroke delivery: character.loadCellNoiseN must be ≥ 0, got ${character.loadCellNoiseN}`);
    this.strokesPerS = character.pumpStrokesPerS;
    this.radPerS = TWO_PI * character.pumpStrokesPerS;
    this.timeConstantS = character.pumpTimeConstantS;
    this.pistons = character.pumpPistons;
    const onsetN = ONSET_NOISE_FACTOR * character.loadCellNoiseN;
    this.onsetN = onsetN > MIN_ONSET_N ? onsetN : MIN_ONSET_N;
  }

  /**
   * Start of a tick: the crank turned over the last period at the level the pump was driven
   * at; a fresh reading (`readingAgeS` old) may show a stroke starting.
   */
  advance(drivenLevel: number, dtS: number, pressureMPa: number, fresh: boolean, readingAgeS: number, dieAreaMm2: number): void {
    const tau = this.timeConstantS;
    const speed = this.speed;
    let turnedS: number;
    if (tau > 0) {
      const decay = Math.exp(-dtS / tau);
      turnedS = drivenLevel * dtS + (speed - drivenLevel) * tau * (1 - decay);
      this.speed = drivenLevel + (speed - drivenLevel) * decay;
    } else {
      turnedS = drivenLevel * dtS;
      this.speed = drivenLevel;
    }
    const turnedRad = this.radPerS * turnedS;
    const from = this.crankRad;
    let crank = from + turnedRad;
    if (crank >= TWO_PI) crank -= TWO_PI * Math.floor(crank / TWO_PI);
    this.crankRad = crank;
    this.flatRad += turnedRad;

    // Oil over the period: a whole revolution at full speed (1/strokesPerS s) delivers 2π of oilRad.
    this.flow = this.synced && dtS > 0 ? (this.oilRad(from + turnedRad) - this.oilRad(from)) / (this.radPerS * dtS) : -1;

    if (fresh) this.watchForStroke(pressureMPa, readingAgeS, dieAreaMm2);
  }

  /** ...and from the stroke flow. */
  get observedPumpFlow(): number {
    return this.flow;
  }

  /** The motor speed to drive for the law's pump level (0..1). */
  command(level: number): number {
    if (!(level > 0)) return 0;
    if (!this.synced) return level;
    const now = this.speedFor(level, this.crankRad);
    const ahead = this.speedFor(level, this.crankRad + this.radPerS * this.speed * this.timeConstantS);
    // Slow down early (the motor takes its time constant to stop), speed up late: never faster than either point needs.
    return ahead < now ? ahead : now;
  }

  /** The speed at which the pump delivers the level's flow at a crank angle (full speed where it delivers less). */
  private speedFor(level: number, crankRad: number): number {
    const shape = this.shape(crankRad);
    return shape > level ? level / shape : 1;
  }

  /**
   * A rise of the onset threshold over the lowest reading since the last rise. After a flat
   * stretch of the crank's turning, in contact, it is a stroke starting: the crank stands
   * where a stroke has delivered that rise, plus what it turned while the reading aged.
   */
  private watchForStroke(pressureMPa: number, readingAgeS: number, dieAreaMm2: number): void {
    if (pressureMPa < this.baselineMPa) {
      this.baselineMPa = pressureMPa;
      return;
    }
    const thresholdMPa = this.onsetN / dieAreaMm2;
    const riseMPa = pressureMPa - this.baselineMPa;
    if (riseMPa <= thresholdMPa) return;
    const flat = this.flatRad;
    const inContact = this.baselineMPa > 2 * thresholdMPa;
    this.baselineMPa = pressureMPa;
    this.flatRad = 0;
    if (!(flat >= MIN_FLAT_RAD && flat <= MAX_FLAT_RAD && inContact)) return;
    // One stroke raises the pressure by the pump gain × the stroke period; its first part follows (1 − cos θ)/2.
    const strokeMPa = this.gains.pumpGain / (this.strokesPerS * this.pistons);
    const share = strokeMPa > 0 ? riseMPa / strokeMPa : 1;
    const intoStrokeRad = share >= 1 ? Math.PI : Math.acos(1 - 2 * share);
    let seen = intoStrokeRad + this.radPerS * this.speed * readingAgeS;
    // The stroke seen is the piston's whose start lies nearest behind the estimate.
    const spacing = TWO_PI / this.pistons;
    const piston = Math.floor((this.crankRad - seen + 0.5 * spacing) / spacing);
    seen += piston * spacing;
    if (seen >= TWO_PI) seen -= TWO_PI * Math.floor(seen / TWO_PI);
    if (seen < 0) seen += TWO_PI * Math.ceil(-seen / TWO_PI);
    let error = this.crankRad - seen;
    if (error > Math.PI) error -= TWO_PI;
    else if (error < -Math.PI) error += TWO_PI;
    this.lastSyncErrorRad = this.synced ? error : 0;
    this.crankRad = seen;
    this.synced = true;
    this.syncs++;
  }

  /**
   * Oil delivered from crank angle 0 to `crankRad` (any angle), in units where one
   * revolution delivers 2π: the integral of shape().
   */
  private oilRad(crankRad: number): number {
    const n = this.pistons;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const x = crankRad - (TWO_PI * k) / n;
      const turns = Math.floor(x / TWO_PI);
      const phase = x - TWO_PI * turns;
      sum += TWO_PI * turns + (phase < Math.PI ? Math.PI * (1 - Math.cos(phase)) : TWO_PI);
    }
    return sum / n;
  }

  /** Flow at a crank angle, as a share of the mean (the sum of the pistons' half-sines, mean 1). */
  private shape(crankRad: number): number {
    const n = this.pistons;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const s = Math.sin(crankRad - (TWO_PI * k) / n);
      if (s > 0) sum += s;
    }
    return (sum * Math.PI) / n;
  }
}

function positive(value: number, what: string): void {
  if (!(value > 0 && value < Infinity)) throw new RangeError(`stroke delivery: ${what} must be a positive number, got ${value}`);
}
