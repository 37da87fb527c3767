import { detSin } from './detmath';
import type { PressParams } from './press';
import type { SampleStack } from './sample-stack';

const ATMOSPHERE_PA = 101_325;
const TWO_PI = 2 * Math.PI;
/** Share of the predicted time to breakaway a quiescent step may take. */
const BREAKAWAY_APPROACH = 0.5;

/**
 * The press as oil, a ram with seal friction, and the frame + sample + fixture spring
 * (docs/simulator.md):
 *
 *   oil:   C_oil(p)·dp/dt = Q_pump − Q_release − Q_leak − Q_relief − A·dx/dt
 *          C_oil = V/β + V·x_air·p0/(p + p0)² + C_hose
 *   ram:   sliding: F = p·A − F_ret − s·F_c (s = direction of motion, F_ret the return spring);
 *          stuck while |p·A − F_ret − F| ≤ F_s, the seal then a spring σ0 = F_s / presliding
 *          range (elasto-plastic presliding); F ≥ 0 (the ram lifts off an unloaded sample)
 *   stack: x = ∫ C_s(F) dF + creep (relaxation, lithium creep, fixture)
 *
 * F is the force through frame, die and load cell. While the ram slides, dx = C_s·A·dp and
 * the two equations give dp/dt = (Q − A·ẋ_creep)/(C_oil + A²·C_s); while it is stuck only
 * the oil is compressed and creep lowers F at fixed x. Breaking loose is a jump that
 * conserves oil volume.
 */
export class PressPlant {
  /** Oil pressure, Pa. */
  oilPressurePa = 0;
  /** Force through the frame, the die and the load cell, N. */
  forceN = 0;
  /** Ram state: +1 sliding onto the sample, −1 sliding back, 0 stuck. */
  ramMotion = 1;
  /** Ram displacement from contact, m (frame + sample + fixture compression and creep). */
  ramTravelM = 0;
  /** Actual pump speed and release opening after their first-order dynamics, 0..1. */
  pumpSpeed = 0;
  releaseOpening = 0;
  /** Piston pump crank angle, rad. */
  private pumpPhase = 0;
  private checkValveOpen = false;
  /** Oil volumes, m³, for the conservation checks. */
  pumpedVolumeM3 = 0;
  releasedVolumeM3 = 0;
  leakedVolumeM3 = 0;
  reliefVolumeM3 = 0;
  seatingLossM3 = 0;

  /** The pump motor has power (its contactor closed, the e-stop chain intact). */
  pumpPowered = true;
  // Faults injected by the simulator.
  pumpFailed = false;
  pumpStuckOn = false;
  releaseStuckClosed = false;
  /** A burst hose: an orifice to tank, Q = c·√p, m³/(s·√Pa). */
  burstOrificeCoef = 0;

  constructor(readonly press: PressParams, readonly stack: SampleStack) {
    this.ramMotion = press.sealBreakawayN > 0 ? 0 : 1;
  }

  get diePressureMPa(): number {
    return this.forceN / this.stack.dieAreaM2 / 1e6;
  }

  /** Puts the press at a force, with the oil pressure that holds it (sliding onto the sample). For tests. */
  imposeForce(forceN: number): void {
    this.forceN = forceN;
    this.oilPressurePa = (forceN + this.press.returnSpringN + this.press.sealFrictionN) / this.press.ramAreaM2;
    this.ramMotion = 1;
  }

  /** Oil capacitance C_oil(p), m³/Pa. */
  oilComplianceM3PerPa(p: number): number {
    const pr = this.press;
    const absolute = p + ATMOSPHERE_PA;
    return pr.oilVolumeM3 / pr.bulkModulusPa + (pr.oilVolumeM3 * pr.airFraction * ATMOSPHERE_PA) / (absolute * absolute) + pr.hoseComplianceM3PerPa;
  }

  /** Oil volume stored by compression at pressure p (∫ C_oil dp from 0), m³. */
  oilStoredM3(p: number): number {
    const pr = this.press;
    return (
      (pr.oilVolumeM3 / pr.bulkModulusPa) * p +
      pr.oilVolumeM3 * pr.airFraction * (1 - ATMOSPHERE_PA / (p + ATMOSPHERE_PA)) +
      pr.hoseComplianceM3PerPa * p
    );
  }

  /** True when nothing drives the plant: pump stopped, valve shut, ram at rest. Slow dynamics only. */
  get quiescent(): boolean {
    return this.pumpSpeed < 1e-6 && this.releaseOpening < 1e-6 && !(this.pumpStuckOn && this.pumpPowered) && this.burstOrificeCoef === 0;
  }

  /**
   * While quiescent and stuck, the leak moves the oil force towards the seal's breakaway:
   * the time until it gets there, s (Infinity when the ram slides or nothing leaks). The
   * simulator ends a long step there so the ram breaks loose when the 1 ms steps would.
   */
  secondsToBreakaway(): number {
    const pr = this.press;
    if (this.ramMotion !== 0 || pr.sealBreakawayN === 0) return Infinity;
    const p = this.oilPressurePa;
    const leak = pr.leakCoefM3PerSPerPa * p;
    if (!(leak > 0)) return Infinity;
    const oilCompliance = this.oilComplianceM3PerPa(p);
    let forceRateNPerS = (pr.ramAreaM2 * leak) / oilCompliance;
    if (pr.preslidingM > 0 && this.forceN > 0) {
      // The seal lip gives: of the oil force lost, the seal's spring takes its share σ0 / (k_oil + k_s + σ0).
      const sealStiffness = pr.sealBreakawayN / pr.preslidingM;
      const springStiffness = 1 / (1 / pr.frameStiffnessNPerM + this.stack.complianceMPerN(this.diePressureMPa));
      forceRateNPerS *= sealStiffness / ((pr.ramAreaM2 * pr.ramAreaM2) / oilCompliance + springStiffness + sealStiffness);
    }
    const imbalance = this.sealImbalanceN();
    // The leak lowers the oil force: the ram breaks loose backwards at −F_s.
    const margin = imbalance + pr.sealBreakawayN;
    // Creep also moves the imbalance, and this ignores it: half the time, so the simulator's
    // long steps close in on the breakaway rather than stepping over it.
    return margin > 0 ? (BREAKAWAY_APPROACH * margin) / forceRateNPerS : 0;
  }

  /** Advances the plant by dtS with the given actuator commands (0..1). */
  step(dtS: number, pumpCommand: number, releaseCommand: number): void {
    const pr = this.press;
    // A stuck relay or driver runs the pump whatever the command, but not without power.
    const pumpTarget = !this.pumpPowered ? 0 : this.pumpStuckOn ? 1 : pumpCommand;
    const releaseTarget = this.releaseStuckClosed ? 0 : releaseCommand;
    this.pumpSpeed += (pumpTarget - this.pumpSpeed) * (dtS / (pr.pumpTimeConstantS + dtS));
    this.releaseOpening += (releaseTarget - this.releaseOpening) * (dtS / (pr.releaseTimeConstantS + dtS));
    if (this.pumpSpeed < 1e-9) this.pumpSpeed = 0;
    if (this.releaseOpening < 1e-9) this.releaseOpening = 0;

    const p = this.oilPressurePa;
    let pumpFlow = 0;
    if (!this.pumpFailed && this.pumpSpeed > 0) {
      const slip = 1 - pr.pumpSlipAtRated * (p / pr.ratedPressurePa);
      pumpFlow = pr.pumpMaxFlowM3PerS * this.pumpSpeed * (slip > 0 ? slip : 0);
      if (pr.pumpKind === 'piston') pumpFlow *= this.pistonShape(dtS);
    }
    // The outlet check valve seats when the pump stops delivering: a little oil flows back.
    const delivering = pumpFlow > 0;
    let seating = 0;
    if (this.checkValveOpen && !delivering && p > 0) seating = pr.checkValveSeatingM3;
    this.checkValveOpen = delivering;

    const releaseFlow = this.releaseOpening > 0 ? pr.releaseFlowCoef * this.releaseOpening * Math.sqrt(p) : 0;
    const leakFlow = pr.leakCoefM3PerSPerPa * p + (this.burstOrificeCoef > 0 ? this.burstOrificeCoef * Math.sqrt(p) : 0);
    const reliefFlow = p > pr.reliefCrackPa ? pr.reliefFlowCoefM3PerSPerPa * (p - pr.reliefCrackPa) : 0;
    const netVolume = (pumpFlow - releaseFlow - leakFlow - reliefFlow) * dtS - seating;
    this.pumpedVolumeM3 += pumpFlow * dtS;
    this.releasedVolumeM3 += releaseFlow * dtS;
    this.leakedVolumeM3 += leakFlow * dtS;
    this.reliefVolumeM3 += reliefFlow * dtS;
    this.seatingLossM3 += seating;

    const area = pr.ramAreaM2;
    const stack = this.stack;
    const creepM = stack.advance(dtS, this.diePressureMPa, this.forceN);
    const springCompliance = 1 / pr.frameStiffnessNPerM + stack.complianceMPerN(this.diePressureMPa);
    const oilCompliance = this.oilComplianceM3PerPa(p);

    if (this.ramMotion === 0) {
      // Stuck: the seal lip deflects as a spring of stiffness σ0 = F_s / presliding range; oil,
      // frame + sample and seal share the flow with the friction equal to the imbalance. A
      // rigid seal (range 0) leaves the ram where it is: the oil takes the flow, creep unloads
      // the spring at fixed ram position.
      // An unloaded ram (no die force to push against) stays put until it breaks loose.
      const sealStiffness = pr.preslidingM > 0 && this.forceN > 0 ? pr.sealBreakawayN / pr.preslidingM : Infinity;
      const dx = sealStiffness === Infinity ? 0 : ((area * netVolume) / oilCompliance + creepM / springCompliance) / ((area * area) / oilCompliance + 1 / springCompliance + sealStiffness);
      this.oilPressurePa = p + (netVolume - area * dx) / oilCompliance;
      this.forceN += (dx - creepM) / springCompliance;
      this.ramTravelM += dx;
      this.breakLoose(springCompliance);
    } else {
      // Sliding: oil, frame and sample share the flow.
      const dp = (netVolume - area * creepM) / (oilCompliance + area * area * springCompliance);
      const dx = springCompliance * area * dp + creepM;
      if (dx * this.ramMotion < 0 && pr.sealBreakawayN > 0) {
        // The motion would reverse: the seal grips, the ram stops.
        this.ramMotion = 0;
        this.oilPressurePa = p + netVolume / oilCompliance;
        this.forceN -= creepM / springCompliance;
      } else {
        this.oilPressurePa = p + dp;
        this.ramTravelM += dx;
        this.forceN = this.oilPressurePa * area - pr.returnSpringN - this.ramMotion * pr.sealFrictionN;
        if (pr.sealBreakawayN === 0) this.ramMotion = dp >= 0 ? 1 : -1;
        else if (dx * this.ramMotion < pr.stickSpeedMPerS * dtS) this.ramMotion = 0;
      }
    }
    if (this.oilPressurePa < 0) this.oilPressurePa = 0;
    if (this.forceN < 0) this.forceN = 0;
    stack.load(this.diePressureMPa);
  }

  /** Relative instantaneous flow of a piston pump (mean 1 over a revolution). */
  private pistonShape(dtS: number): number {
    const pr = this.press;
    this.pumpPhase += TWO_PI * pr.pumpStrokesPerS * this.pumpSpeed * dtS;
    if (this.pumpPhase > TWO_PI) this.pumpPhase -= TWO_PI * Math.floor(this.pumpPhase / TWO_PI);
    // Each piston delivers a half sine once per revolution; n pistons are spaced 2π/n apart.
    let sum = 0;
    for (let k = 0; k < pr.pumpPistons; k++) {
      const s = detSin(this.pumpPhase - (TWO_PI * k) / pr.pumpPistons);
      if (s > 0) sum += s;
    }
    return (sum * Math.PI) / pr.pumpPistons;
  }

  /** Force across the seal of a stuck ram: oil force less the return spring and the load, N. */
  private sealImbalanceN(): number {
    return this.oilPressurePa * this.press.ramAreaM2 - this.press.returnSpringN - this.forceN;
  }

  /**
   * A stuck ram breaks loose when the force across the seal exceeds the breakaway force.
   * It jumps to the kinetic balance F = p·A − F_ret − s·F_c; the oil volume it sweeps
   * lowers (or raises) p: ΔF = (p·A − F_ret − s·F_c − F) / (1 + A²·C_s/C_oil).
   */
  private breakLoose(springCompliance: number): void {
    const pr = this.press;
    const area = pr.ramAreaM2;
    const imbalance = this.sealImbalanceN();
    let direction = 0;
    if (imbalance > pr.sealBreakawayN) direction = 1;
    else if (-imbalance > pr.sealBreakawayN && this.forceN > 0) direction = -1;
    if (direction === 0) return;
    const oilCompliance = this.oilComplianceM3PerPa(this.oilPressurePa);
    const jumpN = (imbalance - direction * pr.sealFrictionN) / (1 + (area * area * springCompliance) / oilCompliance);
    const dx = springCompliance * jumpN;
    this.forceN += jumpN;
    this.ramTravelM += dx;
    this.oilPressurePa -= (area * dx) / oilCompliance;
    this.ramMotion = direction;
  }
}
