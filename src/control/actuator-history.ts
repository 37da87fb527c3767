/** The lowest pressure the release model takes the square root of, MPa (as the controller). */
const MIN_RELEASE_MPA = 0.25;

/**
 * What the actuators did, tick by tick, as running integrals that can be read at a past
 * moment: the pump's flow (share of its mean flow at full speed, × s), the release valve's
 * opening (× s) and its opening × √p (the orifice's flow, s·√MPa). The pump and the valve
 * are first-order lags of the levels driven, integrated exactly over each period, unless a
 * stroke model gives the pump's flow. The integrals are kept for `spanS` in a ring sized
 * once; reading allocates nothing.
 */
export class ActuatorHistory {
  /** Running integrals now. */
  pumpSum = 0;
  openingSum = 0;
  releaseSum = 0;
  /** The integrals at the moment last looked up (at()). */
  foundPump = 0;
  foundOpening = 0;
  foundRelease = 0;

  private readonly timesMs: Float64Array;
  private readonly pumpSums: Float64Array;
  private readonly openingSums: Float64Array;
  private readonly releaseSums: Float64Array;
  private newest = -1;
  private count = 0;
  private pumpModel = 0;
  private releaseModel = 0;
  /** The ring entry the last lookup found its moment after (−1: none). */
  private cursor = -1;

  constructor(
    spanS: number,
    loopPeriodS: number,
    /** Time constants of the pump's speed and the valve's opening, s. */
    private readonly pumpLagS: number,
    private readonly releaseLagS: number,
  ) {
    if (!(loopPeriodS > 0 && loopPeriodS < 1)) throw new RangeError(`actuator history: loopPeriodS must be in (0, 1) s, got ${loopPeriodS}`);
    if (!(spanS > 0 && spanS < 60)) throw new RangeError(`actuator history: spanS must be in (0, 60) s, got ${spanS}`);
    if (!(pumpLagS >= 0 && pumpLagS < 10)) throw new RangeError(`actuator history: pumpLagS must be in [0, 10) s, got ${pumpLagS}`);
    if (!(releaseLagS >= 0 && releaseLagS < 10)) throw new RangeError(`actuator history: releaseLagS must be in [0, 10) s, got ${releaseLagS}`);
    const size = Math.ceil(spanS / loopPeriodS) + 4;
    this.timesMs = new Float64Array(size);
    this.pumpSums = new Float64Array(size);
    this.openingSums = new Float64Array(size);
    this.releaseSums = new Float64Array(size);
  }

  /**
   * The period that ends at `nowMs`: the pump driven at `drivenPump` (or delivering
   * `pumpFlow` ≥ 0, a stroke model's), the valve at `drivenRelease`, the die at `pressureMPa`.
   */
  record(nowMs: number, dtS: number, drivenPump: number, pumpFlow: number, drivenRelease: number, pressureMPa: number): void {
    if (pumpFlow >= 0) {
      this.pumpSum += pumpFlow * dtS;
      this.pumpModel = drivenPump;
    } else {
      this.pumpSum += lagIntegral(this.pumpModel, drivenPump, dtS, this.pumpLagS);
      this.pumpModel = lagEnd(this.pumpModel, drivenPump, dtS, this.pumpLagS);
    }
    const openingS = lagIntegral(this.releaseModel, drivenRelease, dtS, this.releaseLagS);
    this.releaseModel = lagEnd(this.releaseModel, drivenRelease, dtS, this.releaseLagS);
    this.openingSum += openingS;
    this.releaseSum += openingS * Math.sqrt(pressureMPa > MIN_RELEASE_MPA ? pressureMPa : MIN_RELEASE_MPA);
    const size = this.timesMs.length;
    const i = this.newest + 1 === size ? 0 : this.newest + 1;
    this.timesMs[i] = nowMs;
    this.pumpSums[i] = this.pumpSum;
    this.openingSums[i] = this.openingSum;
    this.releaseSums[i] = this.releaseSum;
    this.newest = i;
    if (this.count < size) this.count++;
  }

  /**
   * The integrals at `atMs` into found*: interpolated between the ticks around it (the
   * oldest kept, if older). From the entry found last time forward when the moment moved on
   * (as a moment a fixed age back does, tick by tick), else back from the newest.
   */
  at(atMs: number): void {
    const size = this.timesMs.length;
    const times = this.timesMs;
    let at = this.cursor;
    if (at >= 0 && times[at] <= atMs) {
      let next = at + 1 === size ? 0 : at + 1;
      while (at !== this.newest && times[next] <= atMs) {
        at = next;
        next = at + 1 === size ? 0 : at + 1;
      }
      this.cursor = at;
      if (at === this.newest) this.take(at, at, atMs);
      else this.take(at, next, atMs);
      return;
    }
    let later = this.newest;
    for (let n = 1; n < this.count; n++) {
      const earlier = later === 0 ? size - 1 : later - 1;
      if (times[earlier] <= atMs) {
        this.cursor = earlier;
        this.take(earlier, later, atMs);
        return;
      }
      later = earlier;
    }
    this.take(later, later, atMs);
  }

  private take(earlier: number, later: number, atMs: number): void {
    const times = this.timesMs;
    const span = times[later] - times[earlier];
    const f = atMs >= times[later] ? 1 : span > 0 ? (atMs - times[earlier]) / span : 1;
    this.foundPump = this.pumpSums[earlier] + (this.pumpSums[later] - this.pumpSums[earlier]) * f;
    this.foundOpening = this.openingSums[earlier] + (this.openingSums[later] - this.openingSums[earlier]) * f;
    this.foundRelease = this.releaseSums[earlier] + (this.releaseSums[later] - this.releaseSums[earlier]) * f;
  }
}

/** ∫ over dt of a first-order lag from `model` toward `level` with time constant tau. */
function lagIntegral(model: number, level: number, dtS: number, tauS: number): number {
  if (tauS <= 0) return level * dtS;
  return level * dtS + (model - level) * tauS * (1 - Math.exp(-dtS / tauS));
}

function lagEnd(model: number, level: number, dtS: number, tauS: number): number {
  if (tauS <= 0) return level;
  return level + (model - level) * Math.exp(-dtS / tauS);
}
