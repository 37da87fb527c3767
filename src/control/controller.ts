import type { ControlDemand } from './control-demand';
import type { PressureLaw } from './pressure-law';

/**
 * Pressure controller in "rate space". The law asks for a pressure rate,
 *   wantedRate = feedForwardRate + kp·error + ki·∫error        (MPa/s),
 * and the actuator allocation turns that rate into pump speed or release opening through
 * online estimates of the plant gains. The pump gain (MPa/s per unit speed) follows the
 * measured stiffness, which changes more than tenfold over a stroke, so the loop gain stays
 * put while the plant does not.
 */

/**
 * What the gain estimator learns from where the tick knows better than the law's own
 * pressure and commands: a piston pump's stroke flow, a slow converter's measurement with
 * the actuators as they were when it was taken. Never a prediction made with the gains.
 */
export interface PlantObservation {
  /** Pressure to learn from, MPa; NaN: the pressure the law is given. */
  readonly observedMPa: number;
  /** Pump flow when observedMPa was, share of the mean flow at full speed; negative: a lag of the law's pump level. */
  readonly observedPumpFlow: number;
  /** Release opening when observedMPa was, 0..1; negative: a lag of the law's release level. */
  readonly observedReleaseOpening: number;
}

export interface ControllerTuning {
  /** Proportional gain, 1/s. */
  kpPerS: number;
  /** Integral gain, 1/s². */
  kiPerS2: number;
  /** Starting pump gain estimate, MPa/s per unit speed (high is the safe side). */
  initialPumpGain: number;
  minPumpGain: number;
  maxPumpGain: number;
  /** Starting release estimate, MPa/s per unit opening per √MPa. */
  initialReleaseGain: number;
  minReleaseGain: number;
  maxReleaseGain: number;
  /** Actuator lag assumed by the gain estimator, s. */
  actuatorLagS: number;
  /** Per-tick weight of a new gain observation (0..1). */
  estimatorWeight: number;
  /** The same, when the observed pump gain is above the estimate. */
  estimatorRiseWeight: number;
  /** Do not learn the pump gain from a seal's breakaway jump (stick-slip; docs/control.md). */
  ignoreBreakaways: boolean;
}

export const DEFAULT_TUNING: ControllerTuning = Object.freeze({
  kpPerS: 3,
  kiPerS2: 1.5,
  initialPumpGain: 200,
  minPumpGain: 1,
  maxPumpGain: 5000,
  initialReleaseGain: 10,
  minReleaseGain: 0.05,
  maxReleaseGain: 500,
  actuatorLagS: 0.05,
  estimatorWeight: 0.05,
  estimatorRiseWeight: 0.3,
  ignoreBreakaways: true,
});

/**
 * Window of the pressure-rate estimate: this many ticks, or this long when more ticks. A
 * window of a few milliseconds at a fast loop differentiates the converter's noise into a
 * rate noise the asymmetric gain estimator reads as a stiffer plant, and the press crawls.
 */
const RATE_WINDOW_TICKS = 5;
const RATE_WINDOW_S = 0.05;
/** Below this command the actuator is treated as idle by the estimator. */
const MIN_ESTIMATION_LEVEL = 0.02;
/** Time constant of the gain search while the setpoint is governed, s. */
const GAIN_SEARCH_TIME_S = 1;
/** Contact approach: the stiffest plant may rise at this multiple of the programmed rate (at least the minimum). */
const CONTACT_RATE_FACTOR = 2;
/** Dead band of a hold at its target: this fraction of the target (at least the minimum). */
export const HOLD_DEADBAND_FRACTION = 0.0015;
export const MIN_HOLD_DEADBAND_MPA = 0.02;
const MIN_CONTACT_RATE_MPA_PER_S = 1;
/** A breakaway: one tick rises more than this share of the window's rise, and this many times what the pump could give in it. */
const JUMP_SHARE = 0.5;
const BREAKAWAY_RATE_FACTOR = 5;
/** Stuck: the pressure rises at less than this share of what the gain predicts for the pump's speed. */
const STUCK_RATE_SHARE = 0.1;

export class PressureController implements PressureLaw {
  pumpLevel = 0;
  releaseLevel = 0;
  integralMPaS = 0;
  pumpGain: number;
  releaseGain: number;
  /** Measured dP/dt over the estimation window, MPa/s. */
  measuredRateMPaPerS = 0;
  /** Highest pump gain learnt in this run (the plant at its stiffest), MPa/s per unit. */
  stiffestPumpGain = 0;
  /**
   * Whether one tick's rise can tell a seal's breakaway (tuning.ignoreBreakaways): not behind a
   * slow converter, whose fresh conversion corrects the predicted pressure in one tick too.
   */
  breakawaysVisible = true;
  /** Where the estimator learns from, when not from the law's pressure and commands (set once, at composition). */
  observation: PlantObservation | null = null;

  /** Ticks in the rate window. */
  readonly rateWindow: number;
  private readonly pressureHistory: Float64Array;
  private readonly pumpModelHistory: Float64Array;
  private readonly releaseModelHistory: Float64Array;
  private historyIndex = 0;
  private historyCount = 0;
  /** Running sums of the model histories over the window (entries in, entries out). */
  private pumpModelSum = 0;
  private releaseModelSum = 0;
  private pumpModel = 0;
  private releaseModel = 0;
  /** Ticks until a breakaway's jump has left the rate window (not learnt from). */
  private breakawayTicksLeft = 0;

  constructor(
    public tuning: ControllerTuning,
    loopRateHz = 100,
  ) {
    const windowTicks = Math.round(RATE_WINDOW_S * loopRateHz);
    this.rateWindow = windowTicks > RATE_WINDOW_TICKS ? windowTicks : RATE_WINDOW_TICKS;
    this.pressureHistory = new Float64Array(this.rateWindow + 1);
    this.pumpModelHistory = new Float64Array(this.rateWindow + 1);
    this.releaseModelHistory = new Float64Array(this.rateWindow + 1);
    this.pumpGain = tuning.initialPumpGain;
    this.releaseGain = tuning.initialReleaseGain;
  }

  /** Forget the integral (between steps); the gain estimates carry over. */
  resetIntegral(): void {
    this.integralMPaS = 0;
  }

  /** Outputs off, history cleared (after a fault or at a run start). */
  reset(): void {
    this.pumpLevel = 0;
    this.releaseLevel = 0;
    this.integralMPaS = 0;
    this.pumpModel = 0;
    this.releaseModel = 0;
    this.historyCount = 0;
    this.pumpModelSum = 0;
    this.releaseModelSum = 0;
    this.pumpGain = this.tuning.initialPumpGain;
    this.releaseGain = this.tuning.initialReleaseGain;
    this.stiffestPumpGain = 0;
    this.breakawayTicksLeft = 0;
  }

  /**
   * Track a setpoint: feed-forward rate plus PI with conditional integration (anti-windup).
   * While the setpoint waits for a press that is not yet in contact, the pump is held to a
   * speed at which the stiffest plant seen so far would rise at twice the programmed rate:
   * contact then arrives as a ramp, not a jump.
   */
  track(demand: ControlDemand): void {
    const targetMPa = demand.targetMPa;
    const programmedRateMPaPerS = demand.programmedRateMPaPerS;
    const setpointMPa = demand.setpointMPa;
    const feedForwardRateMPaPerS = demand.feedForwardRateMPaPerS;
    const pressureMPa = demand.pressureMPa;
    const dtS = demand.dtS;
    const governed = demand.governed;
    this.observe(pressureMPa, dtS);
    const t = this.tuning;
    const error = setpointMPa - pressureMPa;
    // Holding at the target: inside the dead band nothing moves and the integral rests, so a
    // ram held by seal friction is not walked up and down through its stick-slip jumps.
    if (setpointMPa === targetMPa && feedForwardRateMPaPerS === 0) {
      const deadbandMPa = HOLD_DEADBAND_FRACTION * targetMPa > MIN_HOLD_DEADBAND_MPA ? HOLD_DEADBAND_FRACTION * targetMPa : MIN_HOLD_DEADBAND_MPA;
      if (error < deadbandMPa && error > -deadbandMPa) {
        this.pumpLevel = 0;
        this.releaseLevel = 0;
        return;
      }
    }
    let candidateIntegral = this.integralMPaS + error * dtS;
    // While the setpoint waits for the press, the integral may unwind but not grow.
    if (governed && (candidateIntegral > 0 ? candidateIntegral : -candidateIntegral) > (this.integralMPaS > 0 ? this.integralMPaS : -this.integralMPaS)) {
      candidateIntegral = this.integralMPaS;
    }
    const wanted = feedForwardRateMPaPerS + t.kpPerS * error + t.kiPerS2 * candidateIntegral;
    // Rising toward a target still above the pressure, the valve stays shut: a pressure that
    // ran ahead of the setpoint (a seal breaking loose, a layer settling) waits for it rather
    // than being bled off and pumped up again, which on a sticking ram is a cycle that never
    // arrives. The integral rests meanwhile.
    if (wanted < 0 && setpointMPa < targetMPa && pressureMPa < targetMPa) {
      this.pumpLevel = 0;
      this.releaseLevel = 0;
      // The integral may still unwind: one wound down by a pressure that ran ahead would
      // otherwise keep the wanted rate below zero, and the ramp would wait for ever.
      if ((candidateIntegral > 0 ? candidateIntegral : -candidateIntegral) < (this.integralMPaS > 0 ? this.integralMPaS : -this.integralMPaS)) this.integralMPaS = candidateIntegral;
      return;
    }
    // A pump not yet seen to deliver what it is driven at (between a piston's strokes, or
    // within a slow converter's delay) gives no sign of a gain too high.
    if (governed) {
      const observation = this.observation;
      const observedFlow = observation !== null ? observation.observedPumpFlow : -1;
      if (!(observedFlow >= 0 && observedFlow < 0.5 * this.pumpLevel)) this.searchGain(wanted, dtS);
    }
    const saturated = this.allocate(wanted, pressureMPa);
    if (saturated && wanted * error > 0) {
      // The actuator is saturated in the direction of the error: keep the integral (anti-windup).
      this.allocate(feedForwardRateMPaPerS + t.kpPerS * error + t.kiPerS2 * this.integralMPaS, pressureMPa);
    } else {
      this.integralMPaS = candidateIntegral;
    }
    // The contact cap comes last, so no later allocation can lift the pump past it.
    if (governed && this.stiffestPumpGain > 0) {
      const rate = programmedRateMPaPerS > MIN_CONTACT_RATE_MPA_PER_S ? programmedRateMPaPerS : MIN_CONTACT_RATE_MPA_PER_S;
      const cap = (CONTACT_RATE_FACTOR * rate) / this.stiffestPumpGain;
      if (this.pumpLevel > cap) this.pumpLevel = cap;
    }
  }

  /** Everything off (static hold inside its band, prompts at pressure). */
  idle(pressureMPa: number, dtS: number): void {
    this.observe(pressureMPa, dtS);
    this.pumpLevel = 0;
    this.releaseLevel = 0;
  }

  /** Drop the load: pump off, release fully open. */
  dump(pressureMPa: number, dtS: number): void {
    this.observe(pressureMPa, dtS);
    this.pumpLevel = 0;
    this.releaseLevel = 1;
    this.integralMPaS = 0;
  }

  /**
   * The setpoint is waiting for a press that does not follow: the actuator gain in use is
   * too high (a command too small to move anything, and too small to learn from). Lower it
   * steadily — the estimator raises it again within a few ticks once the press responds.
   */
  private searchGain(wantedRateMPaPerS: number, dtS: number): void {
    const t = this.tuning;
    const factor = 1 - dtS / GAIN_SEARCH_TIME_S;
    if (wantedRateMPaPerS > 0 && this.measuredRateMPaPerS < 0.5 * wantedRateMPaPerS) {
      this.pumpGain = clamp(this.pumpGain * factor, t.minPumpGain, t.maxPumpGain);
    } else if (wantedRateMPaPerS < 0 && this.measuredRateMPaPerS > 0.5 * wantedRateMPaPerS) {
      this.releaseGain = clamp(this.releaseGain * factor, t.minReleaseGain, t.maxReleaseGain);
    }
  }

  /** Sets the outputs for a wanted rate; returns true when the actuator it chose is saturated. */
  private allocate(wantedRateMPaPerS: number, pressureMPa: number): boolean {
    if (wantedRateMPaPerS >= 0) {
      const pump = wantedRateMPaPerS / this.pumpGain;
      this.pumpLevel = pump > 1 ? 1 : pump;
      this.releaseLevel = 0;
      return pump >= 1;
    }
    const root = Math.sqrt(pressureMPa > 0.25 ? pressureMPa : 0.25);
    const opening = -wantedRateMPaPerS / (this.releaseGain * root);
    this.pumpLevel = 0;
    this.releaseLevel = opening > 1 ? 1 : opening;
    return opening >= 1;
  }

  /**
   * Updates the measured rate and, when one actuator alone has been acting, its gain.
   * The actuator models are first-order lags of the commands, so the comparison is made
   * between quantities that move together; where the tick knows better (`observation`), its
   * pressure and actuators are compared instead.
   */
  private observe(pressureMPa: number, dtS: number): void {
    const t = this.tuning;
    const lagWeight = dtS / (t.actuatorLagS + dtS);
    const observation = this.observation;
    if (observation === null) {
      this.pumpModel += (this.pumpLevel - this.pumpModel) * lagWeight;
      this.releaseModel += (this.releaseLevel - this.releaseModel) * lagWeight;
    } else {
      const observed = observation.observedMPa;
      if (observed === observed) pressureMPa = observed;
      const flow = observation.observedPumpFlow;
      const opening = observation.observedReleaseOpening;
      this.pumpModel = flow >= 0 ? flow : this.pumpModel + (this.pumpLevel - this.pumpModel) * lagWeight;
      this.releaseModel = opening >= 0 ? opening : this.releaseModel + (this.releaseLevel - this.releaseModel) * lagWeight;
    }

    const i = this.historyIndex;
    const window = this.rateWindow;
    const pumpModelHistory = this.pumpModelHistory;
    const releaseModelHistory = this.releaseModelHistory;
    // While the window fills, the entry overwritten is from before the reset: not in the sums.
    const filling = this.historyCount <= window;
    const pumpSum = this.pumpModelSum + this.pumpModel - (filling ? 0 : pumpModelHistory[i]);
    const releaseSum = this.releaseModelSum + this.releaseModel - (filling ? 0 : releaseModelHistory[i]);
    this.pressureHistory[i] = pressureMPa;
    pumpModelHistory[i] = this.pumpModel;
    releaseModelHistory[i] = this.releaseModel;
    this.historyIndex = i === window ? 0 : i + 1;
    // The models are lags of commands in [0, 1]: a sum that rounding took below zero is zero.
    this.pumpModelSum = pumpSum > 0 ? pumpSum : 0;
    this.releaseModelSum = releaseSum > 0 ? releaseSum : 0;
    if (filling) {
      this.historyCount++;
      return;
    }
    // The oldest entry is the one the index now points at.
    const oldest = this.historyIndex;
    this.measuredRateMPaPerS = (pressureMPa - this.pressureHistory[oldest]) / (window * dtS);
    const pumpMean = this.pumpModelSum / (window + 1);
    const releaseMean = this.releaseModelSum / (window + 1);

    // A ram held by its seals lets go in a jump: one tick's rise far above what the pump could
    // give in a tick, and most of the window's. That rise is the seal's stored imbalance, not
    // the plant's stiffness: learnt, it would make the gain, and the contact cap with it, many
    // times too high, and the next breakaway slower. The window holding it is not learnt from.
    const before = i === 0 ? window : i - 1;
    const tickRise = pressureMPa - this.pressureHistory[before];
    // A slow converter repeats its reading between conversions: a fresh one after a repeat
    // carries the whole conversion period's rise, which is not a jump.
    const previousRise = this.pressureHistory[before] - this.pressureHistory[before === 0 ? window : before - 1];
    const windowRise = pressureMPa - this.pressureHistory[oldest];
    if (t.ignoreBreakaways && this.breakawaysVisible && tickRise > JUMP_SHARE * windowRise && windowRise > 0 && previousRise !== 0 && tickRise > BREAKAWAY_RATE_FACTOR * this.pumpGain * (this.pumpModel > MIN_ESTIMATION_LEVEL ? this.pumpModel : MIN_ESTIMATION_LEVEL) * dtS) {
      this.breakawayTicksLeft = window + 1;
    }
    if (this.breakawayTicksLeft > 0) {
      this.breakawayTicksLeft--;
      return;
    }
    // Nor is a window in which the pump ran and nothing moved: a stuck ram, not a soft plant
    // (the gain search lowers the gain where the setpoint waits for a press that does not follow).
    const stuck = t.ignoreBreakaways && this.breakawaysVisible && this.measuredRateMPaPerS < STUCK_RATE_SHARE * this.pumpGain * pumpMean;
    if (!stuck && pumpMean > MIN_ESTIMATION_LEVEL && releaseMean < MIN_ESTIMATION_LEVEL * 0.1 && this.measuredRateMPaPerS > 0) {
      const observed = this.measuredRateMPaPerS / pumpMean;
      // A stiffer plant than estimated is the dangerous surprise (overshoot): learn it fast.
      const weight = observed > this.pumpGain ? t.estimatorRiseWeight : t.estimatorWeight;
      this.pumpGain = clamp(this.pumpGain + (observed - this.pumpGain) * weight, t.minPumpGain, t.maxPumpGain);
      if (this.pumpGain > this.stiffestPumpGain) this.stiffestPumpGain = this.pumpGain;
    } else if (releaseMean > MIN_ESTIMATION_LEVEL && pumpMean < MIN_ESTIMATION_LEVEL * 0.1 && this.measuredRateMPaPerS < 0 && pressureMPa > 1) {
      const observed = -this.measuredRateMPaPerS / (releaseMean * Math.sqrt(pressureMPa));
      this.releaseGain = clamp(this.releaseGain + (observed - this.releaseGain) * t.estimatorWeight, t.minReleaseGain, t.maxReleaseGain);
    }
  }
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
