import type { OilPressureSensor } from '../../hal/oil-pressure';
import type { SeededRandom } from '../physics/rng';

/** A simulated oil-pressure transducer (docs/simulator.md). */
export interface OilPressureSensorParams {
  /** Full scale, MPa: a 1 000 bar transducer on a 700 bar press. */
  fullScaleMPa: number;
  /** Noise of one read, MPa rms. [est: 0.02 % FS, a 16-bit converter on a 0.5–4.5 V transducer] */
  noiseRmsMPa: number;
}

export const OIL_PRESSURE_TRANSDUCER: OilPressureSensorParams = Object.freeze({ fullScaleMPa: 100, noiseRmsMPa: 0.02 });

/**
 * Reads the plant's oil pressure when the firmware asks, with noise from its own random
 * stream (the load cell's draws stay as they were). Fault: fail() (an open current loop:
 * no valid reading from then on).
 */
export class SimOilPressure implements OilPressureSensor {
  pressureMPa = 0;
  private failed = false;

  constructor(
    private readonly plant: { readonly oilPressurePa: number },
    readonly ramAreaMm2: number,
    private readonly params: OilPressureSensorParams,
    private readonly random: SeededRandom,
  ) {}

  get fullScaleMPa(): number {
    return this.params.fullScaleMPa;
  }

  read(): boolean {
    if (this.failed) return false;
    const fullScale = this.params.fullScaleMPa;
    let p = this.plant.oilPressurePa / 1e6 + this.params.noiseRmsMPa * this.random.gaussian();
    if (p < 0) p = 0;
    if (p > fullScale) p = fullScale;
    this.pressureMPa = p;
    return true;
  }

  fail(): void {
    this.failed = true;
  }
}
