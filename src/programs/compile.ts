import { dieAreaMm2, forceKNToPressureMPa } from '../units';
import type { DeviceCapabilities, Program, Step } from './program';
import { deviceForceCeilingKN } from './program';

/** Step type codes used in the compiled (typed-array) form. */
export const StepKind = Object.freeze({
  ramp: 0,
  hold: 1,
  release: 2,
  prompt: 3,
  wait: 4,
  maintain: 5,
} as const);

export const HoldMode = Object.freeze({
  dynamic: 0,
  static: 1,
} as const);

/** Default arrival band of a ramp or release: 0.5 % of the target, at least 0.5 MPa. */
export function defaultRampBandMPa(targetMPa: number): number {
  return Math.max(0.005 * targetMPa, 0.5);
}

/** Approach rate of a maintain step that names none: gentle, for soft metal layers. */
export const DEFAULT_MAINTAIN_RATE_MPA_PER_S = 1;
/** Release rate after Stop or a fault that unloads, when the program has no release step. */
export const DEFAULT_UNLOAD_RATE_MPA_PER_S = 5;
/**
 * A step's hard trip level lies above the highest pressure it asks for (the target, or the
 * level a release starts from) and its band by the largest of: three bands, 5 % of that
 * pressure, 1 % of the ceiling (what a ram's seal friction can leave on the sample after a
 * release), 2 MPa. Far outside anything the loop does while in control; reached only by a
 * runaway the other checks have not named yet.
 */
const STEP_LIMIT_BANDS = 3;
const STEP_LIMIT_FRACTION = 0.05;
const STEP_LIMIT_CEILING_FRACTION = 0.01;
const STEP_LIMIT_MIN_MPA = 2;

/** Run-log interval of a maintain step that names none. */
export const DEFAULT_LOG_INTERVAL_S = 10;
/** Run-log interval of the other steps when the program names none: 10 samples per second. */
export const DEFAULT_RUN_LOG_INTERVAL_S = 0.1;

/**
 * A validated program in the form the runner executes: repeats unrolled, forces turned into
 * pressures on this die, one typed array per field indexed by run step, so the control tick
 * reads numbers and never touches the JSON objects.
 */
export interface CompiledProgram {
  readonly name: string;
  readonly stepCount: number;
  readonly dieAreaMm2: number;
  readonly dieRatingMPa: number;
  /** Lowest of die rating, force limit and load-cell capacity, expressed as pressure on this die. */
  readonly ceilingMPa: number;
  /** Rate of the controlled release after Stop or an unloading fault: the program's slowest release. */
  readonly unloadRateMPaPerS: number;
  /** Hard trip level of each step (STEP_LIMIT_*), never above the ceiling. */
  readonly limitMPa: Float64Array;
  readonly kind: Uint8Array;
  /** Pressure the step drives to (ramp, release), holds (hold, maintain) or sits at (prompt, wait). */
  readonly targetMPa: Float64Array;
  readonly rateMPaPerS: Float64Array;
  readonly durationS: Float64Array;
  readonly bandMPa: Float64Array;
  readonly holdMode: Uint8Array;
  readonly logIntervalS: Float64Array;
  /** Index of the step in the stored program, as a JSON path (`steps[3].steps[1]`). */
  readonly sourcePaths: string[];
  readonly prompts: string[];
  readonly labels: string[];
  readonly typeNames: string[];
}

/** What the panel and the protocol call a run step: its label, else its type ('' for no program or no step). */
export function stepName(program: CompiledProgram | null, stepIndex: number): string {
  return program === null || stepIndex < 0 ? '' : program.labels[stepIndex] || program.typeNames[stepIndex];
}

/** Counts the steps a list runs once repeats are unrolled. */
function runStepCount(steps: readonly Step[]): number {
  let count = 0;
  for (const step of steps) count += step.type === 'repeat' ? step.count * runStepCount(step.steps) : 1;
  return count;
}

/**
 * Compiles a program the validator accepted on this device. The ceiling is the validator's:
 * the lowest of die rating, force limit (press rating or the program's) and load-cell
 * capacity, so a valid program's trip level sits at or below the cell's rated capacity, far
 * under its SENSOR_OUT_OF_RANGE trip.
 */
export function compileProgram(program: Program, device: Pick<DeviceCapabilities, 'maxForceKN' | 'loadCellCapacityKN'>): CompiledProgram {
  const n = runStepCount(program.steps);
  const die = program.die;
  const areaMm2 = die.area_mm2 ?? dieAreaMm2(die.diameter_mm as number);
  const deviceCeilingKN = deviceForceCeilingKN(device);
  if (!(deviceCeilingKN > 0)) throw new RangeError(`compileProgram: the device has no usable force ceiling (frame ${device.maxForceKN} kN, load cell ${device.loadCellCapacityKN} kN)`);
  const forceLimitKN = Math.min(deviceCeilingKN, program.limits?.max_force_kN ?? Infinity);
  const compiled: CompiledProgram = {
    name: program.name,
    stepCount: n,
    dieAreaMm2: areaMm2,
    dieRatingMPa: die.max_pressure_MPa,
    ceilingMPa: Math.min(die.max_pressure_MPa, forceKNToPressureMPa(forceLimitKN, areaMm2)),
    unloadRateMPaPerS: DEFAULT_UNLOAD_RATE_MPA_PER_S,
    limitMPa: new Float64Array(n),
    kind: new Uint8Array(n),
    targetMPa: new Float64Array(n),
    rateMPaPerS: new Float64Array(n),
    durationS: new Float64Array(n),
    bandMPa: new Float64Array(n),
    holdMode: new Uint8Array(n),
    logIntervalS: new Float64Array(n),
    sourcePaths: new Array<string>(n).fill(''),
    prompts: new Array<string>(n).fill(''),
    labels: new Array<string>(n).fill(''),
    typeNames: new Array<string>(n).fill(''),
  };
  const mpa = (valueMPa: number | undefined, valueKN: number | undefined): number =>
    valueMPa !== undefined ? valueMPa : forceKNToPressureMPa(valueKN as number, areaMm2);

  let i = 0;
  let levelMPa = 0;
  const emit = (steps: readonly Step[], path: string): void => {
    steps.forEach((step, index) => {
      const stepPath = `${path}[${index}]`;
      if (step.type === 'repeat') {
        for (let pass = 0; pass < step.count; pass++) emit(step.steps, `${stepPath}.steps`);
        return;
      }
      const levelBeforeMPa = levelMPa;
      compiled.sourcePaths[i] = stepPath;
      compiled.typeNames[i] = step.type;
      compiled.labels[i] = step.label ?? '';
      compiled.logIntervalS[i] = program.log_interval_s ?? DEFAULT_RUN_LOG_INTERVAL_S;
      switch (step.type) {
        case 'ramp':
        case 'release':
          compiled.kind[i] = step.type === 'ramp' ? StepKind.ramp : StepKind.release;
          levelMPa = mpa(step.to_MPa, step.to_kN);
          compiled.targetMPa[i] = levelMPa;
          compiled.rateMPaPerS[i] = mpa(step.rate_MPa_s, step.rate_kN_s);
          compiled.bandMPa[i] = step.band_MPa !== undefined || step.band_kN !== undefined ? mpa(step.band_MPa, step.band_kN) : defaultRampBandMPa(levelMPa);
          break;
        case 'hold':
          compiled.kind[i] = StepKind.hold;
          compiled.targetMPa[i] = levelMPa;
          compiled.durationS[i] = step.duration_s;
          compiled.bandMPa[i] = mpa(step.band_MPa, step.band_kN);
          compiled.holdMode[i] = step.mode === 'static' ? HoldMode.static : HoldMode.dynamic;
          break;
        case 'prompt':
          compiled.kind[i] = StepKind.prompt;
          compiled.prompts[i] = step.message;
          compiled.targetMPa[i] = levelMPa;
          break;
        case 'wait':
          compiled.kind[i] = StepKind.wait;
          compiled.targetMPa[i] = levelMPa;
          compiled.durationS[i] = step.duration_s;
          break;
        case 'maintain':
          compiled.kind[i] = StepKind.maintain;
          levelMPa = mpa(step.at_MPa, step.at_kN);
          compiled.targetMPa[i] = levelMPa;
          compiled.durationS[i] = step.duration_s;
          compiled.bandMPa[i] = mpa(step.band_MPa, step.band_kN);
          compiled.holdMode[i] = HoldMode.static;
          compiled.logIntervalS[i] = step.log_interval_s ?? DEFAULT_LOG_INTERVAL_S;
          compiled.rateMPaPerS[i] = step.rate_MPa_s !== undefined || step.rate_kN_s !== undefined ? mpa(step.rate_MPa_s, step.rate_kN_s) : DEFAULT_MAINTAIN_RATE_MPA_PER_S;
          break;
      }
      const highestMPa = Math.max(levelBeforeMPa, compiled.targetMPa[i]);
      const marginMPa = Math.max(STEP_LIMIT_BANDS * compiled.bandMPa[i], STEP_LIMIT_FRACTION * highestMPa, STEP_LIMIT_CEILING_FRACTION * compiled.ceilingMPa, STEP_LIMIT_MIN_MPA);
      compiled.limitMPa[i] = Math.min(compiled.ceilingMPa, highestMPa + compiled.bandMPa[i] + marginMPa);
      i++;
    });
  };
  emit(program.steps, 'steps');
  let slowestReleaseMPaPerS = Infinity;
  for (let k = 0; k < n; k++) if (compiled.kind[k] === StepKind.release) slowestReleaseMPaPerS = Math.min(slowestReleaseMPaPerS, compiled.rateMPaPerS[k]);
  return slowestReleaseMPaPerS === Infinity ? compiled : { ...compiled, unloadRateMPaPerS: slowestReleaseMPaPerS };
}
