import type { PressParams } from './press';
import { SampleStack } from './sample-stack';

/**
 * The press as a hydraulic capacitance: oil compressibility, frame and sample compliance
 * all store oil volume per unit pressure,
 *   C(p) = V/β + A_ram²·(1/k_frame + compliance_sample(p)),   dp/dt = Q_net / C(p),
 * with Q_net = pump − leak − release − relief. Quasi-static: ram force = p·A_ram is the
 * force through frame, die and load cell (ram inertia and seal friction are left out here).
 */
export class PressPlant {
  /** Oil pressure, Pa. */
  oilPressurePa = 0;
  /** Actual pump speed and release opening after their first-order dynamics, 0..1. */
  pumpSpeed = 0;
  releaseOpening = 0;
  /** Oil volume delivered by the pump and drained through the release valve, m³ (for checks). */
  pumpedVolumeM3 = 0;
  releasedVolumeM3 = 0;

  constructor(readonly press: PressParams, readonly stack: SampleStack) {}

  get forceN(): number {
    return this.oilPressurePa * this.press.ramAreaM2;
  }

  get diePressureMPa(): number {
    return this.forceN / this.stack.dieAreaM2 / 1e6;
  }

  /** Advances the plant by dtS with the given actuator commands (0..1). */
  step(dtS: number, pumpCommand: number, releaseCommand: number): void {
    const pr = this.press;
    this.pumpSpeed += (pumpCommand - this.pumpSpeed) * (dtS / (pr.pumpTimeConstantS + dtS));
    this.releaseOpening += (releaseCommand - this.releaseOpening) * (dtS / (pr.releaseTimeConstantS + dtS));

    const p = this.oilPressurePa;
    const slip = 1 - pr.pumpSlipAtRated * (p / pr.ratedPressurePa);
    const pumpFlow = pr.pumpMaxFlowM3PerS * this.pumpSpeed * (slip > 0 ? slip : 0);
    const releaseFlow = pr.releaseFlowCoef * this.releaseOpening * Math.sqrt(p);
    const leakFlow = pr.leakCoefM3PerSPerPa * p;
    const reliefFlow = p > pr.reliefCrackPa ? pr.reliefFlowCoefM3PerSPerPa * (p - pr.reliefCrackPa) : 0;

    const a = pr.ramAreaM2;
    const capacitance = pr.oilVolumeM3 / pr.bulkModulusPa + a * a * (1 / pr.frameStiffnessNPerM + this.stack.complianceMPerN(this.diePressureMPa));
    let next = p + ((pumpFlow - releaseFlow - leakFlow - reliefFlow) * dtS) / capacitance;
    if (next < 0) next = 0;
    this.oilPressurePa = next;
    this.pumpedVolumeM3 += pumpFlow * dtS;
    this.releasedVolumeM3 += releaseFlow * dtS;
    this.stack.load(this.diePressureMPa);
  }
}
