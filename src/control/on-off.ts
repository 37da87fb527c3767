import type { ControlDemand } from './control-demand';
import type { PressureLaw } from './pressure-law';

/**
 * The baseline the benchmark compares against: what commercial presses call automatic
 * pressure maintenance. The pump runs at full speed while the pressure is below
 * target − band and stops at the target; the release valve opens fully above
 * target + band and closes at the target. No setpoint trajectory, no rate control.
 */
export class OnOffController implements PressureLaw {
  pumpLevel = 0;
  releaseLevel = 0;

  reset(): void {
    this.pumpLevel = 0;
    this.releaseLevel = 0;
  }

  resetIntegral(): void {}

  track(demand: ControlDemand): void {
    const targetMPa = demand.targetMPa;
    const bandMPa = demand.bandMPa;
    const pressureMPa = demand.pressureMPa;
    if (this.pumpLevel > 0) {
      if (pressureMPa >= targetMPa) this.pumpLevel = 0;
    } else if (pressureMPa < targetMPa - bandMPa) {
      this.pumpLevel = 1;
    }
    if (this.releaseLevel > 0) {
      if (pressureMPa <= targetMPa) this.releaseLevel = 0;
    } else if (pressureMPa > targetMPa + bandMPa) {
      this.releaseLevel = 1;
    }
    if (this.pumpLevel > 0) this.releaseLevel = 0;
  }

  idle(_pressureMPa: number, _dtS: number): void {
    this.pumpLevel = 0;
    this.releaseLevel = 0;
  }

  dump(_pressureMPa: number, _dtS: number): void {
    this.pumpLevel = 0;
    this.releaseLevel = 1;
  }
}
