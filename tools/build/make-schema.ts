// Writes schema/press-program-1.schema.json (JSON Schema draft-07, for editors) from the
// same field table and format limits the validator uses. `npm run schema` regenerates it;
// a test fails when the committed file and this generator disagree.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FieldKind, HOLD_MODES, STEP_FIELDS, STEP_TYPES } from '../../src/programs/fields';
import { FORMAT_LIMITS } from '../../src/programs/validate';
import { PROGRAM_FORMAT } from '../../src/programs/program';
import type { StepType } from '../../src/programs/program';

type Schema = Record<string, unknown>;

const positive = (description: string, extra: Schema = {}): Schema => ({ type: 'number', exclusiveMinimum: 0, description, ...extra });

/** Per-field schema and hover text. Ranges that depend on the die or the device are left to the validator. */
const FIELD_SCHEMAS: Record<string, Schema> = {
  to_MPa: { type: 'number', minimum: 0, description: 'Target pressure at the die, MPa. At most the die rating and the force limit over the die area.' },
  to_kN: { type: 'number', minimum: 0, description: 'Target force, kN (instead of to_MPa).' },
  at_MPa: positive('Pressure to maintain, MPa.'),
  at_kN: positive('Force to maintain, kN (instead of at_MPa).'),
  rate_MPa_s: { type: 'number', minimum: FORMAT_LIMITS.minRateMPaPerS, description: `Rate of pressure change, MPa/s: at least ${FORMAT_LIMITS.minRateMPaPerS}, at most what the press can deliver.` },
  rate_kN_s: positive('Rate of force change, kN/s (instead of rate_MPa_s).'),
  band_MPa: positive('Tolerance band around the target, MPa (at most 50).', { maximum: FORMAT_LIMITS.maxBandMPa }),
  band_kN: positive('Tolerance band around the target, kN (instead of band_MPa).'),
  duration_s: positive('Duration, s (at most 30 days).', { maximum: FORMAT_LIMITS.maxDurationS }),
  log_interval_s: { type: 'number', minimum: FORMAT_LIMITS.logIntervalS[0], maximum: FORMAT_LIMITS.logIntervalS[1], description: 'Interval of the run-log samples while maintaining, s (default 10).' },
  count: { type: 'integer', minimum: 1, maximum: FORMAT_LIMITS.maxRepeatCount, description: 'How many times the steps run.' },
  mode: { enum: [...HOLD_MODES], description: 'dynamic: control continuously. static: outputs off inside the band, top up only when the pressure leaves it.' },
  message: { type: 'string', minLength: 1, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$', description: 'Text on the operator panel (one line; at most as many characters as the panel shows, 80 on the standard panel). The run waits for Continue.' },
  label: { type: 'string', minLength: 1, maxLength: FORMAT_LIMITS.labelMaxChars, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$', description: 'Short name of the step for the panel and the run record.' },
};

const STEP_DESCRIPTIONS: Record<StepType, string> = {
  ramp: 'Raise the pressure to a target at a rate; ends when the measured pressure is within the band of the target.',
  hold: 'Hold the pressure reached by the step before for a time.',
  release: 'Lower the pressure to a target at a controlled rate.',
  prompt: 'Wait for the operator (add a layer, turn the stack) and the Continue button.',
  wait: 'Hands off for a time: pump off, release closed, the load left to itself.',
  maintain: 'Go to a pressure and keep it for a long time (stack pressure) with minimal pump duty; the time counts from arrival.',
  repeat: 'Run the steps inside count times. Repeats nest at most 2 deep.',
};

/** Pairs of which exactly one member must be present ("oneOf required"), or at most one when optional. */
const PAIRS: Record<StepType, { pair: [string, string]; required: boolean }[]> = {
  ramp: [{ pair: ['to_MPa', 'to_kN'], required: true }, { pair: ['rate_MPa_s', 'rate_kN_s'], required: true }, { pair: ['band_MPa', 'band_kN'], required: false }],
  release: [{ pair: ['to_MPa', 'to_kN'], required: true }, { pair: ['rate_MPa_s', 'rate_kN_s'], required: true }, { pair: ['band_MPa', 'band_kN'], required: false }],
  hold: [{ pair: ['band_MPa', 'band_kN'], required: true }],
  maintain: [{ pair: ['at_MPa', 'at_kN'], required: true }, { pair: ['band_MPa', 'band_kN'], required: true }, { pair: ['rate_MPa_s', 'rate_kN_s'], required: false }],
  prompt: [],
  wait: [],
  repeat: [],
};

const REQUIRED: Record<StepType, string[]> = {
  ramp: [],
  release: [],
  hold: ['duration_s', 'mode'],
  maintain: ['duration_s'],
  prompt: ['message'],
  wait: ['duration_s'],
  repeat: ['count', 'steps'],
};

function stepSchema(type: StepType, depth: number): Schema {
  const properties: Schema = { type: { const: type } };
  for (const field of STEP_FIELDS[type]) {
    properties[field.key] = field.kind === FieldKind.steps ? { $ref: `#/definitions/steps${depth + 1}` } : FIELD_SCHEMAS[field.key];
  }
  const constraints: Schema[] = [];
  for (const { pair, required } of PAIRS[type]) {
    constraints.push(required ? { oneOf: [{ required: [pair[0]] }, { required: [pair[1]] }] } : { not: { required: [...pair] } });
  }
  const schema: Schema = {
    type: 'object',
    description: STEP_DESCRIPTIONS[type],
    required: ['type', ...REQUIRED[type]],
    additionalProperties: false,
    properties,
  };
  if (constraints.length > 0) schema.allOf = constraints;
  return schema;
}

export function makeSchema(): Schema {
  const definitions: Schema = {};
  // steps0 is the program's list; a repeat in list d holds list d+1; list 2 has no repeats.
  // Each step type is defined once; only the repeat differs by depth (which list it holds).
  const stepRef = (type: StepType, depth: number) => `#/definitions/${type === 'repeat' ? `repeat${depth}` : type}`;
  for (const type of STEP_TYPES) if (type !== 'repeat') definitions[type] = stepSchema(type, 0);
  for (let depth = 0; depth <= FORMAT_LIMITS.maxRepeatDepth; depth++) {
    const types = STEP_TYPES.filter((type) => type !== 'repeat' || depth < FORMAT_LIMITS.maxRepeatDepth);
    if (depth < FORMAT_LIMITS.maxRepeatDepth) definitions[`repeat${depth}`] = stepSchema('repeat', depth);
    definitions[`steps${depth}`] = {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: types } },
        allOf: types.map((type) => ({ if: { properties: { type: { const: type } } }, then: { $ref: stepRef(type, depth) } })),
      },
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Press step program (${PROGRAM_FORMAT})`,
    description: 'A pressing procedure for the press controller (docs/program-format.md). The schema checks the form; the validator (press-sim validate) also checks the program against the die and the press.',
    type: 'object',
    required: ['format', 'name', 'die', 'steps'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'Editor hint: where this schema is. Not stored on the press.' },
      format: { const: PROGRAM_FORMAT },
      name: { type: 'string', pattern: `^[A-Za-z0-9._-]{1,${FORMAT_LIMITS.nameMaxChars}}$`, description: 'Program name on the press: 1-32 letters, digits, - _ .' },
      description: { type: 'string', description: 'Free text: what the program is for and its source.' },
      die: {
        type: 'object',
        description: 'The die (or platen) the program is written for.',
        required: ['max_pressure_MPa'],
        additionalProperties: false,
        properties: {
          diameter_mm: { type: 'number', minimum: FORMAT_LIMITS.dieDiameterMm[0], maximum: FORMAT_LIMITS.dieDiameterMm[1], description: 'Bore of a round die, mm.' },
          area_mm2: { type: 'number', minimum: FORMAT_LIMITS.dieAreaMm2[0], maximum: FORMAT_LIMITS.dieAreaMm2[1], description: 'Pressed area of a die or punch that is not round, mm².' },
          max_pressure_MPa: positive('Pressure rating of the die, MPa.', { maximum: FORMAT_LIMITS.maxDieRatingMPa }),
        },
        oneOf: [{ required: ['diameter_mm'] }, { required: ['area_mm2'] }],
      },
      limits: {
        type: 'object',
        additionalProperties: false,
        properties: { max_force_kN: positive('Force limit for this program, kN; may only lower the press rating.') },
      },
      log_interval_s: { type: 'number', minimum: FORMAT_LIMITS.logIntervalS[0], maximum: FORMAT_LIMITS.logIntervalS[1], description: 'Interval of the run-log samples, s (default 0.1: 10 per second); a maintain step sets its own.' },
      steps: { $ref: '#/definitions/steps0' },
    },
    definitions,
  };
}

export const SCHEMA_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'press-program-1.schema.json');

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(SCHEMA_PATH, JSON.stringify(makeSchema(), null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_PATH)}`);
}
