import { dieAreaMm2, forceKNToPressureMPa } from '../units';
import type { DeviceCapabilities, Program, Step } from './program';
import { PROGRAM_FORMAT } from './program';

export interface ValidationError {
  /** JSON path of the offending value, e.g. `steps[3].to_MPa`. */
  path: string;
  /** What is wrong, naming the value and the allowed range. */
  message: string;
}

export type ValidationResult =
  | { ok: true; program: Program; errors: [] }
  | { ok: false; program: null; errors: ValidationError[] };

export function formatValidationError(error: ValidationError): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`;
}

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
const STEP_TYPES = ['ramp', 'hold', 'release', 'prompt'];
const HOLD_MODES = ['dynamic', 'static'];

const TOP_FIELDS = ['format', 'name', 'description', 'die', 'limits', 'steps'];
const DIE_FIELDS = ['diameter_mm', 'max_pressure_MPa'];
const LIMIT_FIELDS = ['max_force_kN'];
const STEP_FIELDS: Record<string, string[]> = {
  ramp: ['type', 'to_MPa', 'rate_MPa_s', 'band_MPa'],
  hold: ['type', 'duration_s', 'band_MPa', 'mode'],
  release: ['type', 'to_MPa', 'rate_MPa_s'],
  prompt: ['type', 'message'],
};

/** Bounds that are facts of the format rather than of the device. */
const DIE_DIAMETER_RANGE_MM: [number, number] = [1, 100];
const MAX_DIE_RATING_MPA = 2000;
const MAX_DURATION_S = 30 * 24 * 3600;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector {
  readonly errors: ValidationError[] = [];
  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  unknownFields(object: Record<string, unknown>, allowed: string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (allowed.indexOf(key) < 0) {
        this.add(path === '' ? key : `${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
      }
    }
  }

  /** A finite number within [min, max]; `minExclusive` makes the lower bound strict. */
  number(object: Record<string, unknown>, key: string, path: string, min: number, max: number, unit: string, minExclusive = false): number | undefined {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const value = object[key];
    if (value === undefined) {
      this.add(fieldPath, 'is required');
      return undefined;
    }
    if (typeof value !== 'number') {
      this.add(fieldPath, `must be a number, got ${describe(value)}`);
      return undefined;
    }
    if (!Number.isFinite(value)) {
      this.add(fieldPath, `must be a finite number, got ${describe(value)}`);
      return undefined;
    }
    const belowMin = minExclusive ? value <= min : value < min;
    if (belowMin || value > max) {
      const lower = minExclusive ? `above ${min}` : `from ${min}`;
      this.add(fieldPath, `${value} is out of range (${lower} to ${max} ${unit})`);
      return undefined;
    }
    return value;
  }
}

/**
 * Validates an untrusted, already-parsed JSON value as a step program and reports every
 * violation at once. The program is returned only when there is none.
 */
export function validateProgram(input: unknown, device: DeviceCapabilities): ValidationResult {
  const c = new Collector();
  if (!isPlainObject(input)) {
    c.add('', `a program must be a JSON object, got ${describe(input)}`);
    return { ok: false, program: null, errors: c.errors };
  }
  c.unknownFields(input, TOP_FIELDS, '');

  if (input.format !== PROGRAM_FORMAT) {
    c.add('format', `must be "${PROGRAM_FORMAT}", got ${describe(input.format)}`);
  }
  if (typeof input.name !== 'string' || !NAME_PATTERN.test(input.name)) {
    c.add('name', `${describe(input.name)} is not allowed (1-32 characters: letters, digits, - _ .)`);
  }
  if (input.description !== undefined && typeof input.description !== 'string') {
    c.add('description', `must be a string, got ${describe(input.description)}`);
  }

  let ratingMPa: number | undefined;
  let areaMm2: number | undefined;
  if (!isPlainObject(input.die)) {
    c.add('die', `must be an object with diameter_mm and max_pressure_MPa, got ${describe(input.die)}`);
  } else {
    c.unknownFields(input.die, DIE_FIELDS, 'die');
    const diameterMm = c.number(input.die, 'diameter_mm', 'die', DIE_DIAMETER_RANGE_MM[0], DIE_DIAMETER_RANGE_MM[1], 'mm');
    ratingMPa = c.number(input.die, 'max_pressure_MPa', 'die', 0, MAX_DIE_RATING_MPA, 'MPa', true);
    if (diameterMm !== undefined) areaMm2 = dieAreaMm2(diameterMm);
  }

  let forceLimitKN = device.maxForceKN;
  let forceLimitSource = 'the press rating';
  if (input.limits !== undefined) {
    if (!isPlainObject(input.limits)) {
      c.add('limits', `must be an object, got ${describe(input.limits)}`);
    } else {
      c.unknownFields(input.limits, LIMIT_FIELDS, 'limits');
      if (input.limits.max_force_kN !== undefined) {
        const programLimit = c.number(input.limits, 'max_force_kN', 'limits', 0, device.maxForceKN, 'kN (may only lower the press rating)', true);
        if (programLimit !== undefined) {
          forceLimitKN = programLimit;
          forceLimitSource = 'the program force limit';
        }
      }
    }
  }

  // The highest pressure any step may ask for: die rating ∩ force limit over the die area.
  let ceilingMPa = Infinity;
  let ceilingText = '';
  if (ratingMPa !== undefined) {
    ceilingMPa = ratingMPa;
    ceilingText = `the die rating of ${ratingMPa} MPa`;
  }
  if (areaMm2 !== undefined) {
    const forceCeilingMPa = forceKNToPressureMPa(forceLimitKN, areaMm2);
    if (forceCeilingMPa < ceilingMPa) {
      ceilingMPa = forceCeilingMPa;
      ceilingText = `${forceLimitSource} (${forceLimitKN} kN = ${round3(forceCeilingMPa)} MPa on this die)`;
    }
  }

  if (!Array.isArray(input.steps)) {
    c.add('steps', `must be an array of steps, got ${describe(input.steps)}`);
  } else if (input.steps.length === 0) {
    c.add('steps', 'must contain at least one step');
  } else {
    if (input.steps.length > device.maxSteps) {
      c.add('steps', `${input.steps.length} steps exceed the ${device.maxSteps} the device stores`);
    }
    let levelMPa = 0;
    input.steps.forEach((step: unknown, index: number) => {
      levelMPa = validateStep(c, step, `steps[${index}]`, device, ceilingMPa, ceilingText, levelMPa);
    });
  }

  if (c.errors.length > 0) return { ok: false, program: null, errors: c.errors };
  return { ok: true, program: input as unknown as Program, errors: [] };
}

/** Checks one step; returns the pressure level the program is at after it (for the next step's checks). */
function validateStep(c: Collector, step: unknown, path: string, device: DeviceCapabilities, ceilingMPa: number, ceilingText: string, levelMPa: number): number {
  if (!isPlainObject(step)) {
    c.add(path, `a step must be an object, got ${describe(step)}`);
    return levelMPa;
  }
  const type = step.type;
  if (typeof type !== 'string' || STEP_TYPES.indexOf(type) < 0) {
    c.add(`${path}.type`, `${describe(type)} is not a step type (one of ${STEP_TYPES.join(', ')})`);
    return levelMPa;
  }
  c.unknownFields(step, STEP_FIELDS[type], path);
  const typed = step as unknown as Step;
  switch (typed.type) {
    case 'ramp':
    case 'release': {
      const to = c.number(step, 'to_MPa', path, 0, Infinity, 'MPa');
      if (to !== undefined && to > ceilingMPa) c.add(`${path}.to_MPa`, `${to} exceeds ${ceilingText}`);
      if (to !== undefined && typed.type === 'ramp' && to <= levelMPa) {
        c.add(`${path}.to_MPa`, `${to} is not above the ${levelMPa} MPa the step starts from (a ramp goes up; use a release step to go down)`);
      }
      if (to !== undefined && typed.type === 'release' && to >= levelMPa) {
        c.add(`${path}.to_MPa`, `${to} is not below the ${levelMPa} MPa the step starts from (a release goes down)`);
      }
      const rate = c.number(step, 'rate_MPa_s', path, 0, Infinity, 'MPa/s', true);
      if (rate !== undefined && rate > device.maxRateMPaPerS) {
        c.add(`${path}.rate_MPa_s`, `${rate} MPa/s is faster than the press can deliver (at most ${device.maxRateMPaPerS} MPa/s)`);
      }
      if (typed.type === 'ramp' && step.band_MPa !== undefined) c.number(step, 'band_MPa', path, 0, 50, 'MPa', true);
      return to ?? levelMPa;
    }
    case 'hold': {
      if (levelMPa <= 0) c.add(path, 'a hold needs a pressure to hold: put a ramp before it');
      c.number(step, 'duration_s', path, 0, MAX_DURATION_S, 's', true);
      c.number(step, 'band_MPa', path, 0, 50, 'MPa', true);
      if (typeof step.mode !== 'string' || HOLD_MODES.indexOf(step.mode) < 0) {
        c.add(`${path}.mode`, `${describe(step.mode)} is not a hold mode (one of ${HOLD_MODES.join(', ')})`);
      }
      return levelMPa;
    }
    case 'prompt': {
      if (typeof step.message !== 'string' || step.message.length === 0) {
        c.add(`${path}.message`, `must be a non-empty string, got ${describe(step.message)}`);
      } else if (step.message.length > device.panelPromptChars) {
        c.add(`${path}.message`, `${step.message.length} characters exceed the ${device.panelPromptChars} the panel can show`);
      }
      return levelMPa;
    }
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
