/**
 * The JSON step-program format "press-program/1" (docs/program-format.md). Quantities come
 * either as pressure at the die or as force; each pair (to_MPa / to_kN, ...) takes exactly
 * one member, which the validator enforces.
 */

export const PROGRAM_FORMAT = 'press-program/1';

export interface DieSpec {
  /** Round die bore; exactly one of diameter_mm and area_mm2. */
  diameter_mm?: number;
  /** Pressed area of a die or platen that is not round (sheets, rectangular dies). */
  area_mm2?: number;
  max_pressure_MPa: number;
}

export interface ProgramLimits {
  max_force_kN?: number;
}

interface Labelled {
  /** Short name of the step for the panel and the run record. */
  label?: string;
}

/** The fields of a ramp and of a release: a target, a rate and an arrival band. */
interface MoveFields extends Labelled {
  to_MPa?: number;
  to_kN?: number;
  rate_MPa_s?: number;
  rate_kN_s?: number;
  /** Arrival tolerance: the step ends when the measured pressure is within the band of the target. */
  band_MPa?: number;
  band_kN?: number;
}

export interface RampStep extends MoveFields {
  type: 'ramp';
}

export interface HoldStep extends Labelled {
  type: 'hold';
  duration_s: number;
  band_MPa?: number;
  band_kN?: number;
  mode: 'dynamic' | 'static';
}

export interface ReleaseStep extends MoveFields {
  type: 'release';
}

export interface PromptStep extends Labelled {
  type: 'prompt';
  message: string;
}

export interface WaitStep extends Labelled {
  type: 'wait';
  duration_s: number;
}

export interface MaintainStep extends Labelled {
  type: 'maintain';
  at_MPa?: number;
  at_kN?: number;
  duration_s: number;
  band_MPa?: number;
  band_kN?: number;
  /** Interval of the samples kept in the run log while maintaining. */
  log_interval_s?: number;
  /** Rate of the approach to the maintained level. */
  rate_MPa_s?: number;
  rate_kN_s?: number;
}

export interface RepeatStep extends Labelled {
  type: 'repeat';
  count: number;
  steps: Step[];
}

export type Step = RampStep | HoldStep | ReleaseStep | PromptStep | WaitStep | MaintainStep | RepeatStep;
export type StepType = Step['type'];

export interface Program {
  format: typeof PROGRAM_FORMAT;
  name: string;
  description?: string;
  die: DieSpec;
  limits?: ProgramLimits;
  /** Interval of the run-log samples, s (default 0.1); a maintain step has its own. */
  log_interval_s?: number;
  steps: Step[];
}

/** What the device can do; the validator checks programs against it. */
export interface DeviceCapabilities {
  /** Frame / ram force rating, kN. */
  maxForceKN: number;
  /**
   * Rated capacity of the load cell, kN: the top of its calibrated range. No program may ask
   * for more (the cell trips SENSOR_OUT_OF_RANGE near its safe overload, far above).
   */
  loadCellCapacityKN: number;
  /** The cell's noise, rms per conversion, kN: what its resolution is judged from. */
  loadCellNoiseKN: number;
  maxRateMPaPerS: number;
  /** Step records a stored program may hold (repeat steps and their contents included). */
  maxSteps: number;
  /** Steps a run may execute once repeats are unrolled. */
  maxRunSteps: number;
  panelPromptChars: number;
  /** Size of one program slot in flash: the encoded program must fit. */
  programSlotBytes: number;
}

/** The force ceiling of every program on a device: the lowest of frame rating and load-cell capacity, kN. */
export function deviceForceCeilingKN(device: Pick<DeviceCapabilities, 'maxForceKN' | 'loadCellCapacityKN'>): number {
  const cellKN = device.loadCellCapacityKN;
  const frameKN = device.maxForceKN;
  // NaN, not a fallback to the other figure: a device that cannot say either has no ceiling to run under.
  if (!(cellKN > 0) || !(frameKN > 0)) return NaN;
  return cellKN < frameKN ? cellKN : frameKN;
}
