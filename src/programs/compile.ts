import { dieAreaMm2, forceKNToPressureMPa } from '../units';
import type { Program } from './program';

/** Step type codes used in the compiled (typed-array) form. */
export const StepKind = {
  ramp: 0,
  hold: 1,
  release: 2,
  prompt: 3,
} as const;

export const HoldMode = {
  dynamic: 0,
  static: 1,
} as const;

/** Default arrival band of a ramp: 0.5 % of the target, at least 0.5 MPa. */
export function defaultRampBandMPa(targetMPa: number): number {
  return Math.max(0.005 * targetMPa, 0.5);
}

/**
 * A validated program in the form the runner executes: one typed array per field, indexed
 * by step, so the control tick reads numbers and never touches the JSON objects.
 */
export interface CompiledProgram {
  readonly name: string;
  readonly stepCount: number;
  readonly dieAreaMm2: number;
  readonly dieRatingMPa: number;
  /** Lowest of die rating and force limit, expressed as pressure on this die. */
  readonly ceilingMPa: number;
  readonly kind: Uint8Array;
  /** Pressure the step drives to (ramp, release) or holds at (hold); 0 for prompts. */
  readonly targetMPa: Float64Array;
  readonly rateMPaPerS: Float64Array;
  readonly durationS: Float64Array;
  readonly bandMPa: Float64Array;
  readonly holdMode: Uint8Array;
  readonly prompts: string[];
  readonly typeNames: string[];
}

export function compileProgram(program: Program, deviceMaxForceKN: number): CompiledProgram {
  const n = program.steps.length;
  const areaMm2 = dieAreaMm2(program.die.diameter_mm);
  const forceLimitKN = Math.min(deviceMaxForceKN, program.limits?.max_force_kN ?? Infinity);
  const compiled: CompiledProgram = {
    name: program.name,
    stepCount: n,
    dieAreaMm2: areaMm2,
    dieRatingMPa: program.die.max_pressure_MPa,
    ceilingMPa: Math.min(program.die.max_pressure_MPa, forceKNToPressureMPa(forceLimitKN, areaMm2)),
    kind: new Uint8Array(n),
    targetMPa: new Float64Array(n),
    rateMPaPerS: new Float64Array(n),
    durationS: new Float64Array(n),
    bandMPa: new Float64Array(n),
    holdMode: new Uint8Array(n),
    prompts: new Array<string>(n).fill(''),
    typeNames: program.steps.map((step) => step.type),
  };
  let levelMPa = 0;
  program.steps.forEach((step, i) => {
    switch (step.type) {
      case 'ramp':
        compiled.kind[i] = StepKind.ramp;
        compiled.targetMPa[i] = step.to_MPa;
        compiled.rateMPaPerS[i] = step.rate_MPa_s;
        compiled.bandMPa[i] = step.band_MPa ?? defaultRampBandMPa(step.to_MPa);
        levelMPa = step.to_MPa;
        break;
      case 'hold':
        compiled.kind[i] = StepKind.hold;
        compiled.targetMPa[i] = levelMPa;
        compiled.durationS[i] = step.duration_s;
        compiled.bandMPa[i] = step.band_MPa;
        compiled.holdMode[i] = step.mode === 'static' ? HoldMode.static : HoldMode.dynamic;
        break;
      case 'release':
        compiled.kind[i] = StepKind.release;
        compiled.targetMPa[i] = step.to_MPa;
        compiled.rateMPaPerS[i] = step.rate_MPa_s;
        compiled.bandMPa[i] = defaultRampBandMPa(step.to_MPa);
        levelMPa = step.to_MPa;
        break;
      case 'prompt':
        compiled.kind[i] = StepKind.prompt;
        compiled.prompts[i] = step.message;
        compiled.targetMPa[i] = levelMPa;
        break;
    }
  });
  return compiled;
}
