/** The JSON step-program format "press-program/1" (docs/program-format.md). */

export const PROGRAM_FORMAT = 'press-program/1';

export interface DieSpec {
  diameter_mm: number;
  max_pressure_MPa: number;
}

export interface ProgramLimits {
  max_force_kN?: number;
}

export interface RampStep {
  type: 'ramp';
  to_MPa: number;
  rate_MPa_s: number;
  /** Tolerance for "arrived" (measured pressure within to_MPa ± band). */
  band_MPa?: number;
}

export interface HoldStep {
  type: 'hold';
  duration_s: number;
  band_MPa: number;
  mode: 'dynamic' | 'static';
}

export interface ReleaseStep {
  type: 'release';
  to_MPa: number;
  rate_MPa_s: number;
}

export interface PromptStep {
  type: 'prompt';
  message: string;
}

export type Step = RampStep | HoldStep | ReleaseStep | PromptStep;

export interface Program {
  format: typeof PROGRAM_FORMAT;
  name: string;
  description?: string;
  die: DieSpec;
  limits?: ProgramLimits;
  steps: Step[];
}

/** What the device can do; the validator checks programs against it. */
export interface DeviceCapabilities {
  maxForceKN: number;
  maxRateMPaPerS: number;
  maxSteps: number;
  panelPromptChars: number;
}
