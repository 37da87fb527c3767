/**
 * Four small state machines that watch what the outputs did against what the force did.
 * Each takes the levels the outputs were driven at (the previous tick's final commands) and
 * the measured force, and reports true when the hydraulics disagree with the commands for
 * longer than a healthy press ever does. Thresholds are fractions of the load cell's
 * capacity, so they scale with the cell's noise (docs/faults.md gives the reasoning).
 */

/** The pump counts as running hard from this level (a failed pump drives the loop to saturate). */
const HARD_PUMP_LEVEL = 0.5;
/** Hard pumping without a rise for this long is a pump failure or a leak, s. */
const NO_RISE_PUMPING_S = 3;
/** A pause in hard pumping this long starts the count again, s. */
const NO_RISE_RESET_S = 1;
/** The rise that counts as progress: 0.05 % of capacity (25 N on a 50 kN cell, ≈ 15× its noise per conversion). */
const RISE_FRACTION = 0.0005;

/** After the pump is commanded off the motor and the oil in the lines coast this long, s. */
const PUMP_COAST_S = 0.3;
/** A rise of 1 % of capacity with the pump off is no stick-slip jump: the pump is running by itself. */
const PUMP_OFF_RISE_FRACTION = 0.01;

/** The release valve counts as shut below this level, and as settled shut after this long, s. */
const SHUT_RELEASE_LEVEL = 0.02;
const RELEASE_SETTLE_S = 0.2;
/** With the valve shut the force may fall at most this fraction of itself per second (creep, relaxation)... */
const DROP_FRACTION_PER_S = 0.1;
/** ...plus this fraction of capacity per second. */
const DROP_FLOOR_FRACTION_PER_S = 0.005;
/** Averaging time of the force rate the drop check reads, s. */
const DROP_RATE_FILTER_S = 0.1;
/** ...and the fall must go on this long: a seal's stick-slip jump is over in a fraction of it, a burst hose is not, s. */
const DROP_PERSIST_S = 0.5;

/** The release valve counts as open from this level... */
const OPEN_RELEASE_LEVEL = 0.5;
/** ...and open this long without the force falling by RELEASE_FALL_FRACTION of itself means it is blocked, s. */
const RELEASE_BLOCKED_S = 2;
const RELEASE_FALL_FRACTION = 0.1;
/** Below this fraction of capacity the press counts as unloaded: a ram held by its seals' friction may keep this much on the sample with the valve open. */
const UNLOADED_FRACTION = 0.01;

export class HydraulicsWatch {
  /** Latest verdicts, for tests and the panel. */
  pumpNoRise = false;
  riseWithPumpOff = false;
  pressureDrop = false;
  releaseBlocked = false;

  private readonly riseKN: number;
  private readonly pumpOffRiseKN: number;
  private readonly dropFloorKNPerS: number;
  private readonly unloadedKN: number;

  private hardPumpingS = 0;
  private softPumpingS = 0;
  private lowestKN = Infinity;

  private pumpOffS = 0;
  private lowestPumpOffKN = Infinity;

  private releaseShutS = 0;
  private droppingS = 0;
  private filteredKN = NaN;
  private rateKNPerS = 0;

  private releaseOpenS = 0;
  private highestOpenKN = -Infinity;

  constructor(capacityKN: number) {
    this.riseKN = RISE_FRACTION * capacityKN;
    this.pumpOffRiseKN = PUMP_OFF_RISE_FRACTION * capacityKN;
    this.dropFloorKNPerS = DROP_FLOOR_FRACTION_PER_S * capacityKN;
    this.unloadedKN = UNLOADED_FRACTION * capacityKN;
  }

  reset(): void {
    this.pumpNoRise = this.riseWithPumpOff = this.pressureDrop = this.releaseBlocked = false;
    this.hardPumpingS = this.softPumpingS = this.pumpOffS = this.releaseShutS = this.releaseOpenS = this.droppingS = 0;
    this.lowestKN = this.lowestPumpOffKN = Infinity;
    this.highestOpenKN = -Infinity;
    this.filteredKN = NaN;
    this.rateKNPerS = 0;
  }

  /**
   * One tick: the levels the pump and release valve were driven at, the force now, the tick
   * length. The four checks are written out in one body: this runs every tick, and a call
   * costs as much as a check in XS.
   */
  update(pumpLevel: number, releaseLevel: number, forceKN: number, dtS: number): void {
    // Pump running hard without a rise.
    if (pumpLevel >= HARD_PUMP_LEVEL) {
      this.hardPumpingS += dtS;
      this.softPumpingS = 0;
    } else {
      this.softPumpingS += dtS;
      if (this.softPumpingS >= NO_RISE_RESET_S) {
        this.hardPumpingS = 0;
        this.lowestKN = Infinity;
      }
    }
    if (this.hardPumpingS > 0) {
      if (forceKN < this.lowestKN) this.lowestKN = forceKN;
      if (forceKN - this.lowestKN >= this.riseKN) {
        this.hardPumpingS = 0;
        this.lowestKN = forceKN;
      } else if (this.hardPumpingS >= NO_RISE_PUMPING_S) {
        this.pumpNoRise = true;
      }
    }

    // Rising with the pump off.
    if (pumpLevel > 0) {
      this.pumpOffS = 0;
      this.lowestPumpOffKN = Infinity;
    } else {
      this.pumpOffS += dtS;
      if (this.pumpOffS >= PUMP_COAST_S) {
        if (forceKN < this.lowestPumpOffKN) this.lowestPumpOffKN = forceKN;
        if (forceKN - this.lowestPumpOffKN >= this.pumpOffRiseKN) this.riseWithPumpOff = true;
      }
    }

    // Falling fast with the release valve shut.
    const previousKN = this.filteredKN;
    if (previousKN !== previousKN) {
      this.filteredKN = forceKN;
    } else {
      const weight = dtS / (DROP_RATE_FILTER_S + dtS);
      const filteredKN = previousKN + (forceKN - previousKN) * weight;
      this.filteredKN = filteredKN;
      this.rateKNPerS += ((filteredKN - previousKN) / dtS - this.rateKNPerS) * weight;
      if (releaseLevel > SHUT_RELEASE_LEVEL) {
        this.releaseShutS = 0;
        this.droppingS = 0;
      } else {
        this.releaseShutS += dtS;
        const loadKN = forceKN > 0 ? forceKN : 0;
        if (this.releaseShutS >= RELEASE_SETTLE_S && -this.rateKNPerS > DROP_FRACTION_PER_S * loadKN + this.dropFloorKNPerS) {
          this.droppingS += dtS;
          if (this.droppingS >= DROP_PERSIST_S) this.pressureDrop = true;
        } else {
          this.droppingS = 0;
        }
      }
    }

    // Release valve open without a fall.
    if (releaseLevel < OPEN_RELEASE_LEVEL || forceKN <= this.unloadedKN) {
      this.releaseOpenS = 0;
      this.highestOpenKN = -Infinity;
    } else {
      this.releaseOpenS += dtS;
      if (forceKN > this.highestOpenKN) this.highestOpenKN = forceKN;
      if (this.releaseOpenS >= RELEASE_BLOCKED_S && forceKN > (1 - RELEASE_FALL_FRACTION) * this.highestOpenKN) this.releaseBlocked = true;
    }
  }
}
