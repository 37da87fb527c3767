import type { PressLimits } from '../../hal/board';
import type { LoadCellCalibration } from '../loadcell/calibration';
import { loadCellNoiseKN } from '../loadcell/plausibility';
import type { ControllerTuning } from '../control/controller';
import { DEFAULT_TUNING } from '../control/controller';
import type { ControlLawName } from '../control/pressure-law';
import type { DeviceCapabilities } from '../programs/program';
import { DEFAULT_OBJECT_BLOCKS } from '../store/press-store';

/** What a press's firmware is configured with: the board's calibration, the loop, the law, the store's split. */
export interface FirmwareConfig {
  /** Control loop rate, 50–1000 Hz. */
  loopRateHz: number;
  calibration: LoadCellCalibration;
  tuning: ControllerTuning;
  /** The control law: 'pi' (the press's own) or 'on-off' (the commercial baseline, for comparison). */
  controlLaw: ControlLawName;
  /** Longest gap between load-cell samples before the reading counts as stale, ms. */
  staleAfterMs: number;
  /** Actuator leases last this many loop periods. */
  leasePeriods: number;
  /** The panel is refreshed from its own timer about this often (a whole number of loop periods), ms. */
  panelPeriodMs: number;
  panelPromptChars: number;
  maxSteps: number;
  maxRunSteps: number;
  programSlotBytes: number;
  /** Erase blocks at the start of the flash partition that hold programs, calibration and settings; the run log takes the rest. */
  storeObjectBlocks: number;
  /** Load-cell noise above which the reading is not trusted, kN (undefined: the pipeline's default). */
  noiseLimitKN?: number;
}

export function defaultFirmwareConfig(calibration: LoadCellCalibration): FirmwareConfig {
  return {
    loopRateHz: 100,
    calibration,
    tuning: DEFAULT_TUNING,
    controlLaw: 'pi',
    staleAfterMs: 250,
    leasePeriods: 3,
    panelPeriodMs: 100,
    panelPromptChars: 80,
    maxSteps: 64,
    maxRunSteps: 256,
    programSlotBytes: 8192,
    storeObjectBlocks: DEFAULT_OBJECT_BLOCKS,
  };
}

/** What programs are validated against: the board's limits and the firmware's configuration. */
export function deviceCapabilities(limits: PressLimits, config: FirmwareConfig): DeviceCapabilities {
  return {
    maxForceKN: limits.maxForceKN,
    loadCellCapacityKN: limits.loadCellCapacityKN,
    loadCellNoiseKN: loadCellNoiseKN(limits.loadCellCapacityKN, config.noiseLimitKN),
    maxRateMPaPerS: limits.maxRateMPaPerS,
    maxSteps: config.maxSteps,
    maxRunSteps: config.maxRunSteps,
    panelPromptChars: config.panelPromptChars,
    programSlotBytes: config.programSlotBytes,
  };
}
