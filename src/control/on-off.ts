import type { ControlDemand } from './control-demand';
import type { PressureLaw } from './pressure-law';

/**
 * A ramp's setpoint waits while it leads the pressure by this many bands (a programmer's
 * "holdback"): while the ram closes the gap nothing rises, and a setpoint that ran on would
 * be caught up at full pump speed once the ram touches. More than one band, or the pump,
 * which starts one band below the setpoint, would never start.
 */
const HOLDBACK_BANDS = 2;

/**
 * The baseline the benchmark compares against: what commercial presses call automatic
 * pressure maintenance with a programmed ramp rate. The setpoint moves from the pressure at
 * the start toward the target at the programmed rate, in a straight line, waiting while it
 * leads the pressure by HOLDBACK_BANDS bands. Rising, the pump runs at full speed while the
 * pressure is below setpoint − band and stops at the setpoint, and the release valve opens
 * fully only above target + band; falling, mirrored: the valve opens fully above setpoint +
 * band and shuts at the setpoint, and the pump starts only below target − band. Once the
 * setpoint is at the target this is the plain band logic: pump on below target − band, off at
 * the target, valve open above target + band, shut at the target. No feedback beyond the
 * switching, no speed control of the pump or the valve.
 */
export class OnOffController implements PressureLaw {
  pumpLevel = 0;
  releaseLevel = 0;
  /** Where the pressure is switched about, MPa. */
  setpointMPa = 0;
  /** The next track() starts the setpoint from the pressure (a run starts, or tracking resumes). */
  private restart = true;

  reset(): void {
    this.pumpLevel = 0;
    this.releaseLevel = 0;
    this.restart = true;
  }

  resetIntegral(): void {}

  track(demand: ControlDemand): void {
    const targetMPa = demand.targetMPa;
    const bandMPa = demand.bandMPa;
    const pressureMPa = demand.pressureMPa;
    if (this.restart) {
      this.setpointMPa = pressureMPa;
      this.restart = false;
    }
    this.moveSetpoint(targetMPa, demand.programmedRateMPaPerS * demand.dtS, pressureMPa, HOLDBACK_BANDS * bandMPa);
    const setpointMPa = this.setpointMPa;
    // Rising, the pump follows the setpoint and the valve guards the target; falling, the reverse.
    const pumpAtMPa = setpointMPa < targetMPa ? setpointMPa : targetMPa;
    const releaseAtMPa = setpointMPa > targetMPa ? setpointMPa : targetMPa;
    if (this.pumpLevel > 0) {
      if (pressureMPa >= pumpAtMPa) this.pumpLevel = 0;
    } else if (pressureMPa < pumpAtMPa - bandMPa) {
      this.pumpLevel = 1;
    }
    if (this.releaseLevel > 0) {
      if (pressureMPa <= releaseAtMPa) this.releaseLevel = 0;
    } else if (pressureMPa > releaseAtMPa + bandMPa) {
      this.releaseLevel = 1;
    }
    if (this.pumpLevel > 0) this.releaseLevel = 0;
  }

  idle(_pressureMPa: number, _dtS: number): void {
    this.pumpLevel = 0;
    this.releaseLevel = 0;
    this.restart = true;
  }

  dump(_pressureMPa: number, _dtS: number): void {
    this.pumpLevel = 0;
    this.releaseLevel = 1;
    this.restart = true;
  }

  /** One tick of the setpoint: stepMPa toward the target, not past it, not beyond holdbackMPa ahead of the pressure. */
  private moveSetpoint(targetMPa: number, stepMPa: number, pressureMPa: number, holdbackMPa: number): void {
    const setpointMPa = this.setpointMPa;
    // A step without a rate (none programmed) goes straight to its target.
    if (!(stepMPa > 0)) {
      this.setpointMPa = targetMPa;
      return;
    }
    if (setpointMPa < targetMPa) {
      const limitMPa = pressureMPa + holdbackMPa;
      if (setpointMPa >= limitMPa) return;
      let next = setpointMPa + stepMPa;
      if (next > limitMPa) next = limitMPa;
      this.setpointMPa = next < targetMPa ? next : targetMPa;
    } else if (setpointMPa > targetMPa) {
      const limitMPa = pressureMPa - holdbackMPa;
      if (setpointMPa <= limitMPa) return;
      let next = setpointMPa - stepMPa;
      if (next < limitMPa) next = limitMPa;
      this.setpointMPa = next > targetMPa ? next : targetMPa;
    }
  }
}
