// Program validation: one checker for the whole program format.
// Size: the die, the limits, every step kind and repeat blocks are checked against the die
// area and force ceiling derived first, and every message names its field and allowed range
// the same way; split by part, each part would take that shared state as arguments.
import { codePointLength, unpairedSurrogateIndex } from '../bytes/utf8';
import { dieAreaMm2, forceKNToPressureMPa } from '../units';
import { encodeProgram } from './codec';
import { DIE_FIELDS, HOLD_MODES, LIMIT_FIELDS, STEP_FIELDS, STEP_TYPES, TOP_FIELDS } from './fields';
import type { DeviceCapabilities, Program, Step, StepType } from './program';
import { deviceForceCeilingKN, PROGRAM_FORMAT } from './program';
import { DEFAULT_MAINTAIN_RATE_MPA_PER_S } from './compile';
import { deepFreeze } from '../frozen';
import { isProgramName } from '../text/chars';

export interface ValidationError {
  /** JSON path of the offending value, e.g. `steps[3].to_MPa` ('' for the whole program). */
  path: string;
  /** What is wrong, naming the value and the allowed range. */
  message: string;
}

/** Something that does not stop the program but that its author should know (same form as an error). */
export type ValidationWarning = ValidationError;

export type ValidationResult =
  | { ok: true; program: Program; errors: []; warnings: ValidationWarning[] }
  | { ok: false; program: null; errors: ValidationError[]; warnings: ValidationWarning[] };

export function formatValidationError(error: ValidationError): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`;
}

/** Bounds that are facts of the format rather than of one device (docs/program-format.md). */
export const FORMAT_LIMITS = deepFreeze({
  nameMaxChars: 32,
  labelMaxChars: 24,
  dieDiameterMm: [1, 100],
  dieAreaMm2: [0.5, 10000],
  maxDieRatingMPa: 2000,
  maxDurationS: 30 * 24 * 3600,
  /**
   * The whole run, as programmed: ramps and releases at their rates, holds, waits and
   * maintain steps with their approach; prompts count zero (the operator's time is unknown).
   * Long enough for a stack-pressure fixture held through weeks of cycling: the longest
   * step (30 days) and a day for the steps around it.
   */
  maxRunTimeS: 31 * 24 * 3600,
  /** Slowest rate a ramp, release or maintain approach may ask for, MPa/s at the die (kN/s rates included). */
  minRateMPaPerS: 0.001,
  maxBandMPa: 50,
  logIntervalS: [0.1, 3600],
  maxRepeatCount: 1000,
  /** A repeat may hold a repeat, which may not hold another. */
  maxRepeatDepth: 2,
} as const);


/**
 * Resolution of the load cell as ISO 7500-1 takes it for a reading that fluctuates: half the
 * range of the fluctuation, here ±3 σ of the cell's noise.
 */
const RESOLUTION_PER_NOISE = 3;
/** ISO 7500-1 class 0.5: relative resolution at most 0.25 %, so the measuring range starts at 400 resolutions. */
const CLASS_05_LOWER_LIMIT_RESOLUTIONS = 400;

interface Quantity {
  /** The value as written. */
  value: number;
  /** The same in MPa (or MPa/s), NaN when the die area is unknown. */
  mpa: number;
  unit: 'MPa' | 'kN';
}

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

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Edit distance, for "did you mean" on unknown fields (keys are short). */
function editDistance(a: string, b: string): number {
  const row = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * The allowed value a wrong one most likely meant: the same but for case, or one or two
 * edits away (one for names of four letters or fewer). Undefined when none is that close.
 */
function nearestName(value: string, allowed: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(candidate.toLowerCase(), lower);
    if (distance <= (candidate.length > 4 ? 2 : 1) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function controlCharIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) return i;
  }
  return -1;
}

interface StepOutcome {
  step: unknown;
  /** Level after the step, MPa. */
  levelMPa: number;
  /** Steps it runs once repeats are unrolled. */
  runSteps: number;
  /** Its programmed time, s (NaN when a value it depends on is wrong). */
  timeS: number;
}

interface StepsOutcome {
  steps: unknown[];
  levelMPa: number;
  runSteps: number;
  timeS: number;
}

/** A duration in the largest unit that reads well, with the seconds: `31.5 days (2721600 s)`. */
function durationText(seconds: number): string {
  const s = `${Math.round(seconds)} s`;
  if (seconds >= 2 * 86400) return `${round3(seconds / 86400)} days (${s})`;
  if (seconds >= 2 * 3600) return `${round3(seconds / 3600)} h (${s})`;
  return s;
}

function hex4(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Validates an untrusted, already-parsed JSON value as a step program against a device and
 * reports every violation at once. Returns a canonical copy of the program (known fields
 * only, in canonical order) when there is none.
 */
export function validateProgram(input: unknown, device: DeviceCapabilities): ValidationResult {
  return new ProgramChecker(device).check(input);
}

class ProgramChecker {
  errors: ValidationError[] = [];
  warnings: ValidationWarning[] = [];
  private areaMm2 = NaN;
  private dieRatingMPa = NaN;
  private ceilingMPa = Infinity;
  /** What bounds the ceiling, for the messages: the die rating, or a force over the die area. */
  private ceilingText = '';
  private ceilingKN = NaN;
  private ceilingList = '';
  private stepRecords = 0;
  private readonly resolutionKN: number;
  private readonly lowerLimitKN: number;

  constructor(private readonly device: DeviceCapabilities) {
    this.resolutionKN = RESOLUTION_PER_NOISE * device.loadCellNoiseKN;
    this.lowerLimitKN = CLASS_05_LOWER_LIMIT_RESOLUTIONS * this.resolutionKN;
  }

  private add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** A required field that is absent: `steps[2].mode: mode is required`. */
  private required(path: string, key: string): void {
    this.add(join(path, key), `${key} is required`);
  }

  /** A value outside a short list: a near miss is named, otherwise the list is. */
  private notOneOf(path: string, value: unknown, what: string, allowed: readonly string[]): void {
    const near = typeof value === 'string' ? nearestName(value, allowed) : undefined;
    const hint = near === undefined ? ` (one of ${allowed.join(', ')})` : `; did you mean "${near}"?`;
    this.add(path, `${describe(value)} is not ${what}${hint}`);
  }

  private warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  check(input: unknown): ValidationResult {
    if (!isPlainObject(input)) {
      this.add('', `a program must be a JSON object, got ${describe(input)}`);
      return this.result(null);
    }
    this.unknownFields(input, TOP_FIELDS, '');
    const program: Record<string, unknown> = {};

    if (input.$schema !== undefined && typeof input.$schema !== 'string') {
      this.add('$schema', `must be a string (an editor hint, not stored), got ${describe(input.$schema)}`);
    }
    if (input.format === undefined) {
      this.required('', 'format');
    } else if (input.format !== PROGRAM_FORMAT) {
      this.add('format', `must be "${PROGRAM_FORMAT}", got ${describe(input.format)}`);
    }
    program.format = PROGRAM_FORMAT;
    if (input.name === undefined) {
      this.required('', 'name');
    } else if (typeof input.name !== 'string' || !isProgramName(input.name, FORMAT_LIMITS.nameMaxChars)) {
      this.add('name', `${describe(input.name)} is not allowed (1-32 characters: letters, digits, - _ .)`);
    }
    program.name = input.name;
    if (input.description !== undefined) {
      if (typeof input.description !== 'string') {
        this.add('description', `must be a string, got ${describe(input.description)}`);
      } else {
        this.wellFormedText(input.description, 'description');
        program.description = input.description;
      }
    }
    if (Number.isNaN(deviceForceCeilingKN(this.device)) || !(this.device.loadCellNoiseKN >= 0)) {
      this.add('', `the press reports no usable force rating or load-cell capacity (frame ${this.device.maxForceKN} kN, load cell ${this.device.loadCellCapacityKN} kN, noise ${this.device.loadCellNoiseKN} kN): no program can be checked against it`);
    }
    program.die = this.checkDie(input.die);
    const forceLimit = this.checkLimits(input.limits);
    if (forceLimit.canonical?.max_force_kN !== undefined) program.limits = forceLimit.canonical;
    this.setCeiling(forceLimit.kN, forceLimit.source);
    if (input.log_interval_s !== undefined) {
      const [min, max] = FORMAT_LIMITS.logIntervalS;
      const intervalS = this.inRange(input, 'log_interval_s', '', min, max, 's', false);
      if (intervalS !== undefined) program.log_interval_s = intervalS;
    }

    if (input.steps === undefined) {
      this.required('', 'steps');
    } else if (!Array.isArray(input.steps)) {
      this.add('steps', `must be an array of steps, got ${describe(input.steps)}`);
    } else if (input.steps.length === 0) {
      this.add('steps', 'must contain at least one step');
    } else {
      const list = this.checkList(input.steps, 'steps', 0, 0, true);
      program.steps = list.steps;
      const maxS = FORMAT_LIMITS.maxRunTimeS;
      if (list.timeS > maxS) {
        this.add('steps', `the run takes ${durationText(list.timeS)} as programmed (ramps and releases at their rates, holds, waits, maintain steps; prompts not counted), more than the ${durationText(maxS)} a run may take`);
      }
      if (this.stepRecords > this.device.maxSteps) {
        this.add('steps', `${this.stepRecords} steps (repeat steps and their contents included) exceed the ${this.device.maxSteps} a stored program may hold`);
      }
      if (list.runSteps > this.device.maxRunSteps) {
        this.add('steps', `the run has ${list.runSteps} steps once repeats are unrolled, more than the ${this.device.maxRunSteps} the device can run`);
      }
    }

    if (this.errors.length === 0) {
      let encodedBytes = 0;
      let tooLarge = '';
      try {
        encodedBytes = encodeProgram(program as unknown as Program).length;
      } catch (error) {
        // The format's own bounds (a text over 65 535 bytes, a program over 64 KiB) lie far beyond the slot.
        if (!(error instanceof RangeError)) throw error;
        tooLarge = error.message;
      }
      if (tooLarge !== '') {
        this.add('', `the program does not fit the program format (${tooLarge}), let alone the ${this.device.programSlotBytes}-byte flash slot (shorten the description or the prompts)`);
      } else if (encodedBytes > this.device.programSlotBytes) {
        this.add('', `the program encodes to ${encodedBytes} bytes, more than the ${this.device.programSlotBytes}-byte flash slot (shorten the description or the prompts)`);
      }
    }
    return this.result(program as unknown as Program);
  }

  private result(program: Program | null): ValidationResult {
    if (this.errors.length > 0 || program === null) return { ok: false, program: null, errors: this.errors, warnings: this.warnings };
    return { ok: true, program, errors: [], warnings: this.warnings };
  }

  private unknownFields(object: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (allowed.indexOf(key) >= 0) continue;
      let hint = '';
      for (const candidate of allowed) {
        if (candidate.toLowerCase() === key.toLowerCase() || candidate.startsWith(key) || editDistance(candidate, key) <= 2) {
          hint = `; did you mean ${candidate}?`;
          break;
        }
      }
      this.add(join(path, key), `unknown field (allowed: ${allowed.join(', ')})${hint}`);
    }
  }

  /** A finite number, or undefined after reporting why not. */
  private finite(object: Record<string, unknown>, key: string, path: string): number | undefined {
    const value = object[key];
    const fieldPath = join(path, key);
    if (value === undefined) {
      this.required(path, key);
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
    return value;
  }

  /** A finite number in [min, max] (lower bound strict when minExclusive). */
  private inRange(object: Record<string, unknown>, key: string, path: string, min: number, max: number, unit: string, minExclusive: boolean): number | undefined {
    const value = this.finite(object, key, path);
    if (value === undefined) return undefined;
    const belowMin = minExclusive ? !(value > min) : value < min;
    if (belowMin || value > max) {
      this.add(join(path, key), `${value} is out of range (allowed: ${minExclusive ? `above ${min} up to` : `${min} to`} ${max} ${unit})`);
      return undefined;
    }
    return value;
  }

  private wellFormedText(text: string, path: string): boolean {
    const at = unpairedSurrogateIndex(text);
    if (at >= 0) {
      this.add(path, `contains an unpaired surrogate (${hex4(text.charCodeAt(at))}) at character ${at + 1}: not valid Unicode text`);
      return false;
    }
    return true;
  }

  /** Panel text: non-empty, at most maxChars characters, one line of printable characters. */
  private panelText(object: Record<string, unknown>, key: string, path: string, maxChars: number, required: boolean): string | undefined {
    const value = object[key];
    const fieldPath = join(path, key);
    if (value === undefined) {
      if (required) this.required(path, key);
      return undefined;
    }
    if (typeof value !== 'string' || value.length === 0) {
      this.add(fieldPath, `must be a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    if (!this.wellFormedText(value, fieldPath)) return undefined;
    const control = controlCharIndex(value);
    if (control >= 0) {
      this.add(fieldPath, `contains a control character (${hex4(value.charCodeAt(control))}) at character ${control + 1}; the panel shows one line of text`);
      return undefined;
    }
    const chars = codePointLength(value);
    if (chars > maxChars) {
      this.add(fieldPath, `${chars} characters exceed the ${maxChars} the panel can show`);
      return undefined;
    }
    return value;
  }

  private checkDie(die: unknown): Record<string, unknown> | undefined {
    if (die === undefined) {
      this.required('', 'die');
      return undefined;
    }
    if (!isPlainObject(die)) {
      this.add('die', `must be an object with diameter_mm (or area_mm2) and max_pressure_MPa, got ${describe(die)}`);
      return undefined;
    }
    this.unknownFields(die, DIE_FIELDS, 'die');
    const canonical: Record<string, unknown> = {};
    const hasDiameter = die.diameter_mm !== undefined;
    const hasArea = die.area_mm2 !== undefined;
    if (hasDiameter && hasArea) {
      this.add('die', 'gives both diameter_mm and area_mm2: give exactly one');
    } else if (!hasDiameter && !hasArea) {
      this.add('die.diameter_mm', 'diameter_mm (round die) or area_mm2 (any other shape) is required');
    } else if (hasDiameter) {
      const [min, max] = FORMAT_LIMITS.dieDiameterMm;
      const diameterMm = this.inRange(die, 'diameter_mm', 'die', min, max, 'mm', false);
      if (diameterMm !== undefined) this.areaMm2 = dieAreaMm2(diameterMm);
      canonical.diameter_mm = die.diameter_mm;
    } else {
      const [min, max] = FORMAT_LIMITS.dieAreaMm2;
      const areaMm2 = this.inRange(die, 'area_mm2', 'die', min, max, 'mm²', false);
      if (areaMm2 !== undefined) this.areaMm2 = areaMm2;
      canonical.area_mm2 = die.area_mm2;
    }
    const ratingMPa = this.inRange(die, 'max_pressure_MPa', 'die', 0, FORMAT_LIMITS.maxDieRatingMPa, 'MPa', true);
    if (ratingMPa !== undefined) {
      this.dieRatingMPa = ratingMPa;
      this.ceilingMPa = ratingMPa;
      this.ceilingText = `the die rating of ${ratingMPa} MPa`;
    }
    canonical.max_pressure_MPa = die.max_pressure_MPa;
    return canonical;
  }

  private checkLimits(limits: unknown): { kN: number; source: string; canonical?: Record<string, unknown> } {
    const pressRating = { kN: this.device.maxForceKN, source: 'press rating' };
    if (limits === undefined) return pressRating;
    if (!isPlainObject(limits)) {
      this.add('limits', `must be an object, got ${describe(limits)}`);
      return pressRating;
    }
    this.unknownFields(limits, LIMIT_FIELDS, 'limits');
    const canonical: Record<string, unknown> = {};
    if (limits.max_force_kN === undefined) return { ...pressRating, canonical };
    canonical.max_force_kN = limits.max_force_kN;
    const value = this.finite(limits, 'max_force_kN', 'limits');
    if (value === undefined) return { ...pressRating, canonical };
    if (!(value > 0) || value > this.device.maxForceKN) {
      this.add('limits.max_force_kN', `${value} is out of range (allowed: above 0 up to ${this.device.maxForceKN} kN; a program may only lower the press rating)`);
      return { ...pressRating, canonical };
    }
    return { kN: value, source: 'program force limit', canonical };
  }

  /**
   * The highest pressure any step may ask for: the lowest of the die rating, the force limit
   * (press rating, or the program's own) and the load cell's rated capacity over the die
   * area. The compiled program's ceiling and the supervisor's trip are the same figure
   * (compileProgram, deviceForceCeilingKN).
   */
  private setCeiling(forceLimitKN: number, source: string): void {
    if (Number.isNaN(this.areaMm2)) return;
    const cellKN = this.device.loadCellCapacityKN;
    const forceKN = cellKN < forceLimitKN ? cellKN : forceLimitKN;
    const forceCeilingMPa = forceKNToPressureMPa(forceKN, this.areaMm2);
    const die = Number.isNaN(this.dieRatingMPa) ? '' : `die rating ${this.dieRatingMPa} MPa, `;
    this.ceilingList = `the lowest of ${die}${source} ${forceLimitKN} kN, load cell ${cellKN} kN`;
    if (forceCeilingMPa < this.ceilingMPa) {
      this.ceilingMPa = forceCeilingMPa;
      this.ceilingKN = forceKN;
      this.ceilingText = cellKN < forceLimitKN ? `the load cell's rated capacity of ${cellKN} kN` : `the ${source} of ${forceLimitKN} kN`;
    }
  }

  /**
   * One quantity of a MPa/kN pair (`to`, `at`, `band`, or `rate` with its `_s` suffix):
   * exactly one member must be given when required, at most one otherwise.
   */
  private quantity(step: Record<string, unknown>, path: string, base: string, perSecond: boolean, required: boolean): { q?: Quantity; key: string } {
    const suffix = perSecond ? '_s' : '';
    const mpaKey = `${base}_MPa${suffix}`;
    const knKey = `${base}_kN${suffix}`;
    const hasMPa = step[mpaKey] !== undefined;
    const hasKN = step[knKey] !== undefined;
    if (hasMPa && hasKN) {
      this.add(path, `gives both ${mpaKey} and ${knKey}: give exactly one`);
      return { key: mpaKey };
    }
    if (!hasMPa && !hasKN) {
      if (required) this.add(join(path, mpaKey), `${mpaKey} or ${knKey} is required`);
      return { key: mpaKey };
    }
    const key = hasMPa ? mpaKey : knKey;
    const value = this.finite(step, key, path);
    if (value === undefined) return { key };
    const mpa = hasMPa ? value : forceKNToPressureMPa(value, this.areaMm2);
    return { q: { value, mpa, unit: hasMPa ? 'MPa' : 'kN' }, key };
  }

  /** How a quantity reads in a message: as written, with its pressure when given as force. */
  private shown(q: Quantity, perSecond: boolean): string {
    if (q.unit === 'MPa') return perSecond ? `${q.value} MPa/s` : String(q.value);
    return `${q.value} kN${perSecond ? '/s' : ''} (${round3(q.mpa)} MPa${perSecond ? '/s' : ''} on this die)`;
  }

  private checkTarget(path: string, key: string, q: Quantity): void {
    if (!(q.mpa > this.ceilingMPa)) {
      this.warnResolution(path, key, q);
      return;
    }
    if (Number.isNaN(this.ceilingKN)) {
      this.add(join(path, key), `${this.shown(q, false)} exceeds ${this.ceilingText}`);
      return;
    }
    const forceKN = round3((q.mpa * this.areaMm2) / 1000);
    const asForce = q.unit === 'kN' ? `${q.value} kN is` : `${q.value} MPa on this die is ${forceKN} kN,`;
    this.add(join(path, key), `${asForce} above ${this.ceilingText} (${this.ceilingList}: ${round3(this.ceilingMPa)} MPa on this die)`);
  }

  /** A level below the cell's class 0.5 range: valid, but the reading there is coarse. */
  private warnResolution(path: string, key: string, q: Quantity): void {
    if (!(q.mpa > 0) || Number.isNaN(this.areaMm2)) return;
    const forceKN = (q.mpa * this.areaMm2) / 1000;
    if (!(forceKN < this.lowerLimitKN)) return;
    const relativePercent = (100 * this.resolutionKN) / forceKN;
    this.warn(
      join(path, key),
      `${this.shown(q, false)}${q.unit === 'MPa' ? ` MPa is ${round3(forceKN)} kN on this die,` : ' is'} below ${round3(this.lowerLimitKN)} kN, where the load cell's class 0.5 range starts (${CLASS_05_LOWER_LIMIT_RESOLUTIONS} × its ${round3(this.resolutionKN * 1000)} N resolution; ISO 7500-1): there the reading resolves only ${round3(relativePercent)} % of the value`,
    );
  }

  /** Checks a rate; returns it in MPa/s (NaN when absent or wrong). */
  private checkRate(step: Record<string, unknown>, path: string, required: boolean): number {
    const { q, key } = this.quantity(step, path, 'rate', true, required);
    if (q === undefined || Number.isNaN(q.mpa)) return NaN;
    const max = this.device.maxRateMPaPerS;
    const min = FORMAT_LIMITS.minRateMPaPerS;
    if (!(q.value > 0)) {
      this.add(join(path, key), `${q.value} is out of range (allowed: above 0 up to ${max} MPa/s${q.unit === 'kN' ? ' on this die' : ''})`);
    } else if (q.mpa > max) {
      this.add(join(path, key), `${this.shown(q, true)} is faster than the press can deliver (at most ${max} MPa/s)`);
    } else if (q.mpa < min) {
      this.add(join(path, key), `${this.shown(q, true)} is slower than the slowest rate the press runs (${min} MPa/s)`);
    } else {
      return q.mpa;
    }
    return NaN;
  }

  /** A band: above 0, at most maxBandMPa, and (when a level is given) below the level it surrounds. */
  private checkBand(step: Record<string, unknown>, path: string, required: boolean, levelMPa: number, levelWhat: string): void {
    const { q, key } = this.quantity(step, path, 'band', false, required);
    if (q === undefined || Number.isNaN(q.mpa)) return;
    const max = FORMAT_LIMITS.maxBandMPa;
    if (!(q.value > 0) || q.mpa > max) {
      this.add(join(path, key), `${this.shown(q, false)} is out of range (allowed: above 0 up to ${max} MPa)`);
    } else if (levelMPa > 0 && q.mpa >= levelMPa) {
      this.add(join(path, key), `${this.shown(q, false)} is not below the ${round3(levelMPa)} MPa ${levelWhat} (the band would reach zero pressure)`);
    } else if (!Number.isNaN(this.areaMm2)) {
      const bandN = q.mpa * this.areaMm2;
      if (bandN < this.resolutionKN * 1000) {
        this.warn(join(path, key), `${this.shown(q, false)}${q.unit === 'MPa' ? ' MPa' : ''} is ${round3(bandN)} N on this die, narrower than the load cell's ${round3(this.resolutionKN * 1000)} N resolution (±3 × its noise): the press cannot tell inside the band from outside it`);
      }
    }
  }

  /** Checks a duration; returns it (NaN when wrong). */
  private checkDuration(step: Record<string, unknown>, path: string): number {
    return this.inRange(step, 'duration_s', path, 0, FORMAT_LIMITS.maxDurationS, 's', true) ?? NaN;
  }

  private checkList(list: unknown[], path: string, levelMPa: number, depth: number, counting: boolean): StepsOutcome {
    const steps: unknown[] = [];
    let level = levelMPa;
    let runSteps = 0;
    let timeS = 0;
    for (let i = 0; i < list.length; i++) {
      const outcome = this.checkStep(list[i], `${path}[${i}]`, level, depth, counting);
      steps.push(outcome.step);
      level = outcome.levelMPa;
      runSteps += outcome.runSteps;
      timeS += outcome.timeS;
    }
    return { steps, levelMPa: level, runSteps, timeS };
  }

  /** Checks one step; returns its canonical copy, the level after it, the steps it runs and their programmed time. */
  private checkStep(input: unknown, path: string, levelMPa: number, depth: number, counting: boolean): StepOutcome {
    if (counting) this.stepRecords++;
    if (!isPlainObject(input)) {
      this.add(path, `a step must be an object, got ${describe(input)}`);
      return { step: input, levelMPa: NaN, runSteps: 1, timeS: NaN };
    }
    const type = input.type;
    if (typeof type !== 'string' || STEP_TYPES.indexOf(type as StepType) < 0) {
      // Without a type the step's fields cannot be judged, nor the level it leaves.
      if (type === undefined) this.required(path, 'type');
      else this.notOneOf(join(path, 'type'), type, 'a step type', STEP_TYPES);
      return { step: input, levelMPa: NaN, runSteps: 1, timeS: NaN };
    }
    const fields = STEP_FIELDS[type as StepType];
    this.unknownFields(input, ['type', ...fields.map((field) => field.key)], path);
    this.panelText(input, 'label', path, FORMAT_LIMITS.labelMaxChars, false);

    let level = levelMPa;
    let runSteps = 1;
    let timeS = NaN;
    const step = input as unknown as Step;
    switch (step.type) {
      case 'ramp':
      case 'release': {
        const { q, key } = this.quantity(input, path, 'to', false, true);
        // A level that is missing or wrong leaves the next steps' starting level unknown (NaN):
        // they are not judged against it.
        level = NaN;
        if (q !== undefined && !Number.isNaN(q.mpa)) {
          if (q.value < 0) {
            this.add(join(path, key), `${q.value} is out of range (allowed: 0 and above)`);
          } else {
            this.checkTarget(path, key, q);
            if (step.type === 'ramp' && q.mpa <= levelMPa) {
              this.add(join(path, key), `${this.shown(q, false)} is not above the ${round3(levelMPa)} MPa the step starts from (a ramp goes up; use a release step to go down)`);
            }
            if (step.type === 'release' && q.mpa >= levelMPa) {
              this.add(join(path, key), `${this.shown(q, false)} is not below the ${round3(levelMPa)} MPa the step starts from (a release goes down)`);
            }
            level = q.mpa;
          }
        }
        const rateMPaPerS = this.checkRate(input, path, true);
        if (q !== undefined) timeS = Math.abs(q.mpa - levelMPa) / rateMPaPerS;
        this.checkBand(input, path, false, step.type === 'ramp' && q !== undefined ? q.mpa : 0, 'the ramp goes to');
        break;
      }
      case 'hold':
        if (level <= 0) this.add(path, 'a hold needs a pressure to hold: put a ramp before it');
        timeS = this.checkDuration(input, path);
        this.checkBand(input, path, true, level, 'held');
        if (input.mode === undefined) this.required(path, 'mode');
        else if (typeof input.mode !== 'string' || HOLD_MODES.indexOf(input.mode as 'dynamic') < 0) {
          this.notOneOf(join(path, 'mode'), input.mode, 'a hold mode', HOLD_MODES);
        }
        break;
      case 'prompt':
        this.panelText(input, 'message', path, this.device.panelPromptChars, true);
        timeS = 0;
        break;
      case 'wait':
        timeS = this.checkDuration(input, path);
        break;
      case 'maintain': {
        const { q, key } = this.quantity(input, path, 'at', false, true);
        level = NaN;
        if (q !== undefined && !Number.isNaN(q.mpa)) {
          if (!(q.value > 0)) {
            this.add(join(path, key), `${q.value} is out of range (allowed: above 0; use a wait step to sit at zero)`);
          } else {
            this.checkTarget(path, key, q);
            level = q.mpa;
          }
        }
        const durationS = this.checkDuration(input, path);
        this.checkBand(input, path, true, q !== undefined ? q.mpa : 0, 'maintained');
        if (input.log_interval_s !== undefined) {
          const [min, max] = FORMAT_LIMITS.logIntervalS;
          this.inRange(input, 'log_interval_s', path, min, max, 's', false);
        }
        const named = input.rate_MPa_s !== undefined || input.rate_kN_s !== undefined;
        const rateMPaPerS = this.checkRate(input, path, false);
        const approachRate = named ? rateMPaPerS : DEFAULT_MAINTAIN_RATE_MPA_PER_S;
        if (q !== undefined) timeS = Math.abs(q.mpa - levelMPa) / approachRate + durationS;
        break;
      }
      case 'repeat':
        return this.checkRepeat(input, path, levelMPa, depth, counting);
    }
    return { step: this.canonicalStep(input, fields), levelMPa: level, runSteps, timeS };
  }

  private checkRepeat(input: Record<string, unknown>, path: string, levelMPa: number, depth: number, counting: boolean): StepOutcome {
    const fields = STEP_FIELDS.repeat;
    const count = this.inRange(input, 'count', path, 1, FORMAT_LIMITS.maxRepeatCount, 'times', false);
    if (count !== undefined && !Number.isInteger(count)) this.add(join(path, 'count'), `must be a whole number, got ${count}`);
    if (depth >= FORMAT_LIMITS.maxRepeatDepth) {
      this.add(path, `a repeat nested ${depth + 1} deep: repeats nest at most ${FORMAT_LIMITS.maxRepeatDepth} deep`);
    }
    const body = input.steps;
    if (!Array.isArray(body) || body.length === 0) {
      if (body === undefined) this.required(path, 'steps');
      else this.add(join(path, 'steps'), Array.isArray(body) ? 'must contain at least one step' : `must be an array of steps, got ${describe(body)}`);
      return { step: this.canonicalStep(input, fields), levelMPa: NaN, runSteps: 1, timeS: NaN };
    }
    const first = this.checkList(body, join(path, 'steps'), levelMPa, depth + 1, counting);
    let endLevel = first.levelMPa;
    // Passes 2 and on start where pass 1 ended, so they all take as long as pass 2.
    let laterPassS = first.timeS;
    // A body that ends at another level than it starts from meets different levels on its
    // second pass (a ramp to where the pass already is, say): check that pass too.
    if ((count === undefined || count > 1) && !Number.isNaN(endLevel) && endLevel !== levelMPa) {
      const seen = new Set(this.errors.map((e) => `${e.path}\n${e.message}`));
      const before = this.errors;
      const warningsBefore = this.warnings;
      this.errors = [];
      const second = this.checkList(body, join(path, 'steps'), endLevel, depth + 1, false);
      const secondErrors = this.errors;
      this.errors = before;
      // Pass 1 gave the warnings already; pass 2 checks the same values.
      this.warnings = warningsBefore;
      laterPassS = second.timeS;
      for (const error of secondErrors) {
        if (!seen.has(`${error.path}\n${error.message}`)) {
          this.add(error.path, `${error.message} (on repeat pass 2, which starts from ${round3(endLevel)} MPa)`);
        }
      }
      endLevel = second.levelMPa;
    }
    const canonical = this.canonicalStep(input, fields);
    canonical.steps = first.steps;
    const times = count !== undefined && Number.isInteger(count) ? count : 1;
    return { step: canonical, levelMPa: endLevel, runSteps: times * first.runSteps, timeS: first.timeS + (times - 1) * laterPassS };
  }

  private canonicalStep(input: Record<string, unknown>, fields: readonly { key: string }[]): Record<string, unknown> {
    const step: Record<string, unknown> = { type: input.type };
    for (const field of fields) {
      if (input[field.key] !== undefined) step[field.key] = input[field.key];
    }
    return step;
  }
}
