import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { makeSchema, SCHEMA_PATH } from '../../tools/build/make-schema';
import { validateProgram } from '../../src/programs/validate';
import { program, readExample, repoRoot, TEST_DEVICE } from '../support/helpers';
import { validProgram } from '../support/arbitraries';

const committed = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const ajv = new Ajv({ allErrors: true, strictTypes: true, strictTuples: true });
const schemaValid = ajv.compile(committed);

function bySchema(input: unknown): boolean {
  return schemaValid(input) as boolean;
}

test('the committed schema is what the generator makes from the validator tables (run npm run schema)', () => {
  assert.equal(committed, JSON.parse(JSON.stringify(makeSchema())));
});

test('every example passes the schema', () => {
  for (const file of readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'))) {
    const ok = bySchema(readExample(file.replace(/\.json$/, '')));
    assert.ok(ok, `${file}: ${JSON.stringify(schemaValid.errors)}`);
  }
});

test('whatever the validator accepts, the schema accepts (property)', () => {
  fc.assert(
    fc.property(validProgram, (input) => {
      if (!validateProgram(input, TEST_DEVICE).ok) return true;
      if (!bySchema(input)) throw new Error(JSON.stringify(schemaValid.errors));
      return true;
    }),
    { numRuns: 500, seed: 21 },
  );
});

test('what the schema refuses, the validator refuses too, for each kind of form error', () => {
  const body = [{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10 }, { type: 'release', to_MPa: 0, rate_MPa_s: 10 }];
  const cases: [string, unknown][] = [
    ['unknown top-level field', { ...program(), colour: 'red' }],
    ['unknown step field', program([{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10, speed: 3 }])],
    ['both members of a pair', program([{ type: 'ramp', to_MPa: 100, to_kN: 7, rate_MPa_s: 10 }])],
    ['neither member of a pair', program([{ type: 'ramp', rate_MPa_s: 10 }])],
    ['two optional band members', program([{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10, band_MPa: 1, band_kN: 0.1 }])],
    ['a string for a number', program([{ type: 'ramp', to_MPa: '100', rate_MPa_s: 10 }])],
    ['zero duration', program([body[0], { type: 'hold', duration_s: 0, band_MPa: 1, mode: 'static' }])],
    ['unknown step type', program([{ type: 'squeeze' }])],
    ['unknown hold mode', program([body[0], { type: 'hold', duration_s: 1, band_MPa: 1, mode: 'firm' }])],
    ['repeats nested 3 deep', program([{ type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: body }] }] }])],
    ['a fractional count', program([{ type: 'repeat', count: 1.5, steps: body }])],
    ['an empty step list', { ...program(), steps: [] }],
    ['a name with a space', { ...program(), name: 'my program' }],
    ['another format', { ...program(), format: 'press-program/2' }],
    ['a die with diameter and area', program(body, { diameter_mm: 10, area_mm2: 78, max_pressure_MPa: 740 } as never)],
    ['a label too long', program([{ ...body[0], label: 'x'.repeat(25) }, body[1]])],
    ['a prompt on two lines', program([{ type: 'prompt', message: 'a\nb' }])],
  ];
  const twoDeep = program([{ type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: body }] }]);
  assert.ok(bySchema(twoDeep), JSON.stringify(schemaValid.errors));
  assert.ok(validateProgram(twoDeep, TEST_DEVICE).ok);
  for (const [name, input] of cases) {
    assert.not.ok(bySchema(input), `schema accepted ${name}`);
    assert.not.ok(validateProgram(input, TEST_DEVICE).ok, `validator accepted ${name}`);
  }
});

test.run();
