import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { formatValidationError, validateProgram } from '../../src/programs/validate';
import { program, readExample, repoRoot, TEST_DEVICE } from '../support/helpers';

// Messages for what is missing and for near misses: one message each, naming the field.

function messages(input: unknown): string[] {
  return validateProgram(input, TEST_DEVICE).errors.map(formatValidationError);
}

const ramp = { type: 'ramp', to_MPa: 100, rate_MPa_s: 10 };
const hold = { type: 'hold', duration_s: 10, band_MPa: 1, mode: 'dynamic' };
const release = { type: 'release', to_MPa: 0, rate_MPa_s: 10 };

function without<T extends Record<string, unknown>>(object: T, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  delete copy[key];
  return copy;
}

test('a missing field is named as required, with its path', () => {
  assert.equal(messages(program([ramp, without(hold, 'mode'), release])), ['steps[1].mode: mode is required']);
  assert.equal(messages(program([ramp, without(hold, 'duration_s'), release])), ['steps[1].duration_s: duration_s is required']);
  assert.equal(messages(program([ramp, without(hold, 'type'), release])), ['steps[1].type: type is required']);
  assert.equal(messages(program([{ type: 'repeat', steps: [ramp, release] }])), ['steps[0].count: count is required']);
  assert.equal(messages(program([{ type: 'repeat', count: 2 }])), ['steps[0].steps: steps is required']);
  assert.equal(messages(program([{ type: 'wait' }])), ['steps[0].duration_s: duration_s is required']);
  assert.equal(messages(program([{ type: 'prompt' }])), ['steps[0].message: message is required']);
  assert.equal(messages(program([without(ramp, 'to_MPa')])), ['steps[0].to_MPa: to_MPa or to_kN is required']);
  assert.equal(messages(without(program(), 'format')), ['format: format is required']);
  assert.equal(messages(without(program(), 'name')), ['name: name is required']);
  assert.equal(messages(without(program(), 'die')), ['die: die is required']);
  assert.equal(messages(without(program(), 'steps')), ['steps: steps is required']);
  assert.equal(messages(program(undefined, { diameter_mm: 10 } as never)), ['die.max_pressure_MPa: max_pressure_MPa is required']);
});

test('a wrong case or a near miss of a step type or hold mode gets one "did you mean", and the step nothing more', () => {
  assert.equal(messages(program([{ ...ramp, type: 'Ramp' }])), ['steps[0].type: "Ramp" is not a step type; did you mean "ramp"?']);
  // The step's other fields are not judged (a rate of 0 would be wrong for a ramp), nor the steps after it on its level.
  assert.equal(messages(program([{ type: 'RAMP', to_MPa: -5, rate_MPa_s: 0, colour: 1 }, hold, release])), ['steps[0].type: "RAMP" is not a step type; did you mean "ramp"?']);
  assert.equal(messages(program([ramp, { ...hold, type: 'hld' }, release])), ['steps[1].type: "hld" is not a step type; did you mean "hold"?']);
  assert.equal(messages(program([ramp, hold, { ...release, type: 'relase' }])), ['steps[2].type: "relase" is not a step type; did you mean "release"?']);
  assert.equal(messages(program([ramp, { ...hold, mode: 'Static' }, release])), ['steps[1].mode: "Static" is not a hold mode; did you mean "static"?']);
  assert.equal(messages(program([ramp, { ...hold, mode: 'dinamic' }, release])), ['steps[1].mode: "dinamic" is not a hold mode; did you mean "dynamic"?']);
  // Too far from every name: the list instead.
  assert.equal(messages(program([{ type: 'press' }])), ['steps[0].type: "press" is not a step type (one of ramp, hold, release, prompt, wait, maintain, repeat)']);
  assert.equal(messages(program([{ type: 'hx' }])), ['steps[0].type: "hx" is not a step type (one of ramp, hold, release, prompt, wait, maintain, repeat)']);
  assert.equal(messages(program([{ type: 3 }])), ['steps[0].type: 3 is not a step type (one of ramp, hold, release, prompt, wait, maintain, repeat)']);
});

// ---- properties over valid programs ----

/** Required fields per object kind; a pair is required as one (either member), named by its MPa member. */
const REQUIRED: Record<string, readonly (string | readonly [string, string])[]> = {
  program: ['format', 'name', 'die', 'steps'],
  die: ['max_pressure_MPa', ['diameter_mm', 'area_mm2']],
  limits: [],
  ramp: [['to_MPa', 'to_kN'], ['rate_MPa_s', 'rate_kN_s'], 'type'],
  release: [['to_MPa', 'to_kN'], ['rate_MPa_s', 'rate_kN_s'], 'type'],
  hold: ['duration_s', ['band_MPa', 'band_kN'], 'mode', 'type'],
  prompt: ['message', 'type'],
  wait: ['duration_s', 'type'],
  maintain: [['at_MPa', 'at_kN'], 'duration_s', ['band_MPa', 'band_kN'], 'type'],
  repeat: ['count', 'steps', 'type'],
};

/** The path a deletion should be reported at, or undefined when the field is optional. */
function requiredPath(kind: string, parentPath: string, key: string): string | undefined {
  for (const entry of REQUIRED[kind]) {
    const members = typeof entry === 'string' ? [entry] : entry;
    if (members.indexOf(key) >= 0) return parentPath === '' ? members[0] : `${parentPath}.${members[0]}`;
  }
  return undefined;
}

interface Field {
  kind: string;
  parentPath: string;
  key: string;
  /** Deletes the field from a deep copy of the program. */
  remove: (root: unknown) => unknown;
}

/** Every object key of a program, with the kind of object that holds it. */
function fields(root: Record<string, unknown>): Field[] {
  const out: Field[] = [];
  const visit = (object: Record<string, unknown>, kind: string, parentPath: string, trail: (string | number)[]) => {
    for (const key of Object.keys(object)) {
      out.push({
        kind,
        parentPath,
        key,
        remove: (input) => {
          const copy = structuredClone(input) as Record<string, unknown>;
          let at: Record<string, unknown> = copy;
          for (const step of trail) at = at[step] as Record<string, unknown>;
          delete at[key];
          return copy;
        },
      });
      const value = object[key];
      if (key === 'die' || key === 'limits') visit(value as Record<string, unknown>, key, key, [...trail, key]);
      if (key === 'steps') {
        (value as Record<string, unknown>[]).forEach((step, i) => {
          const stepPath = `${parentPath === '' ? '' : `${parentPath}.`}steps[${i}]`;
          visit(step, step.type as string, stepPath, [...trail, 'steps', i]);
        });
      }
    }
  };
  visit(root, 'program', '', []);
  return out;
}

/** The type and mode fields of every step, with the path of the value. */
function enumFields(root: Record<string, unknown>, key: 'type' | 'mode'): { path: string; value: string; set: (input: unknown, to: string) => unknown }[] {
  return fields(root)
    .filter((field) => field.key === key && field.kind !== 'program')
    .map((field) => {
      const value = field.parentPath.split(/\.|(?=\[)/).reduce<unknown>((at, part) => {
        const index = /^\[(\d+)\]$/.exec(part);
        return index ? (at as unknown[])[Number(index[1])] : (at as Record<string, unknown>)[part];
      }, root) as Record<string, unknown>;
      return {
        path: `${field.parentPath}.${key}`,
        value: value[key] as string,
        set: (input: unknown, to: string) => {
          const copy = field.remove(input) as Record<string, unknown>;
          const step = field.parentPath.split(/\.|(?=\[)/).reduce<unknown>((at, part) => {
            const index = /^\[(\d+)\]$/.exec(part);
            return index ? (at as unknown[])[Number(index[1])] : (at as Record<string, unknown>)[part];
          }, copy) as Record<string, unknown>;
          step[key] = to;
          return copy;
        },
      };
    });
}

const mpa = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);
const label = fc.option(fc.constantFrom('load', 'dwell', 'unload'), { nil: undefined });
const withLabel = <T extends Record<string, unknown>>(step: T, text: string | undefined) => (text === undefined ? step : { ...step, label: text });

/** A cycle from 0 MPa back to 0 MPa: a ramp, a hold or a maintain or both, a prompt or a wait, a release. */
const cycle = fc
  .record({
    toMPa: mpa(20, 600),
    toAsKN: fc.boolean(),
    rate: mpa(1, 50),
    rateAsKN: fc.boolean(),
    rampBand: fc.option(mpa(0.5, 5), { nil: undefined }),
    hold: fc.option(fc.record({ duration_s: mpa(1, 100), band_MPa: mpa(0.5, 5), mode: fc.constantFrom('dynamic', 'static') }), { nil: undefined }),
    maintain: fc.option(fc.record({ atMPa: mpa(20, 600), duration_s: mpa(1, 100), band: mpa(0.5, 5), bandAsKN: fc.boolean(), rate: fc.option(mpa(1, 50), { nil: undefined }), log: fc.option(mpa(1, 10), { nil: undefined }) }), { nil: undefined }),
    pause: fc.constantFrom('none', 'prompt', 'wait'),
    releaseRate: mpa(1, 50),
    labels: fc.array(label, { minLength: 4, maxLength: 4 }),
  })
  .map((c) => {
    const areaMm2 = (Math.PI * 10 * 10) / 4;
    // Rounded down, so a rate at the press's limit stays within it.
    const kN = (valueMPa: number) => Math.floor(valueMPa * areaMm2) / 1000;
    const steps: Record<string, unknown>[] = [];
    const first: Record<string, unknown> = { type: 'ramp' };
    if (c.toAsKN) first.to_kN = kN(c.toMPa);
    else first.to_MPa = c.toMPa;
    if (c.rateAsKN) first.rate_kN_s = kN(c.rate);
    else first.rate_MPa_s = c.rate;
    if (c.rampBand !== undefined) first.band_MPa = c.rampBand;
    steps.push(withLabel(first, c.labels[0]));
    if (c.hold !== undefined) steps.push(withLabel({ type: 'hold', ...c.hold }, c.labels[1]));
    if (c.maintain !== undefined) {
      const m = c.maintain;
      const step: Record<string, unknown> = { type: 'maintain', at_MPa: m.atMPa, duration_s: m.duration_s };
      if (m.bandAsKN) step.band_kN = kN(m.band);
      else step.band_MPa = m.band;
      if (m.rate !== undefined) step.rate_MPa_s = m.rate;
      if (m.log !== undefined) step.log_interval_s = m.log;
      steps.push(withLabel(step, c.labels[2]));
    }
    if (c.pause === 'prompt') steps.push({ type: 'prompt', message: 'Turn the die' });
    if (c.pause === 'wait') steps.push({ type: 'wait', duration_s: 5 });
    steps.push(withLabel({ type: 'release', to_MPa: 0, rate_MPa_s: c.releaseRate }, c.labels[3]));
    return steps;
  });

const block = fc.tuple(cycle, fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined })).map(([steps, count]) => (count === undefined ? steps : [{ type: 'repeat', count, steps }]));

const validProgram = fc
  .record({
    blocks: fc.array(block, { minLength: 1, maxLength: 3 }),
    byArea: fc.boolean(),
    description: fc.option(fc.constant('a pellet'), { nil: undefined }),
    limits: fc.boolean(),
    log: fc.boolean(),
    schema: fc.boolean(),
  })
  .map((p) => {
    const out: Record<string, unknown> = {};
    if (p.schema) out.$schema = './schema/press-program-1.schema.json';
    out.format = 'press-program/1';
    out.name = 'generated';
    if (p.description !== undefined) out.description = p.description;
    out.die = p.byArea ? { area_mm2: 78.54, max_pressure_MPa: 740 } : { diameter_mm: 10, max_pressure_MPa: 740 };
    if (p.limits) out.limits = { max_force_kN: 90 };
    if (p.log) out.log_interval_s = 1;
    out.steps = p.blocks.flat();
    return out;
  });

test('the generated programs are valid (the properties below start from them)', () => {
  fc.assert(fc.property(validProgram, (input) => messages(input).length === 0), { numRuns: 300, seed: 20 });
});

function checkDeletion(input: Record<string, unknown>, field: Field): string | undefined {
  const got = messages(field.remove(input));
  const expectedPath = requiredPath(field.kind, field.parentPath, field.key);
  const where = `${field.parentPath}.${field.key}`;
  if (expectedPath === undefined) return got.length === 0 ? undefined : `optional ${where} deleted: ${JSON.stringify(got)}`;
  if (got.length !== 1) return `required ${where} deleted: ${JSON.stringify(got)}`;
  if (!got[0].startsWith(`${expectedPath}: `) || !got[0].endsWith(' is required') || got[0].indexOf(field.key) < 0) return `required ${where} deleted: ${got[0]}`;
  return undefined;
}

test('deleting any one field of a valid program: no error if it was optional, else exactly one "is required" at its path (property)', () => {
  const case_ = validProgram.chain((input) => {
    const all = fields(input);
    return fc.tuple(fc.constant(input), fc.integer({ min: 0, max: all.length - 1 }).map((i) => all[i]));
  });
  fc.assert(
    fc.property(case_, ([input, field]) => {
      const problem = checkDeletion(input, field);
      if (problem !== undefined) throw new Error(problem);
    }),
    { numRuns: 1_000, seed: 21 },
  );
});

test('deleting any one field of any example program gives the same (every field of every example)', () => {
  const files = readdirSync(path.join(repoRoot, 'examples')).filter((file) => file.endsWith('.json'));
  let deletions = 0;
  for (const file of files) {
    const input = readExample(file.replace(/\.json$/, '')) as Record<string, unknown>;
    for (const field of fields(input)) {
      const problem = checkDeletion(input, field);
      assert.is(problem, undefined, `${file}: ${problem}`);
      deletions++;
    }
  }
  assert.ok(deletions > 100, `${deletions} deletions`);
});

/** A spelling of `word` in other letter cases than its own. */
const caseVariant = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''))
    .filter((variant) => variant !== word);

for (const key of ['type', 'mode'] as const) {
  test(`any case variant of a valid step's ${key} gives exactly one "did you mean" (property)`, () => {
    const what = key === 'type' ? 'a step type' : 'a hold mode';
    const case_ = validProgram
      .filter((input) => enumFields(input, key).length > 0)
      .chain((input) => {
        const all = enumFields(input, key);
        return fc.integer({ min: 0, max: all.length - 1 }).chain((i) => fc.tuple(fc.constant(input), fc.constant(all[i]), caseVariant(all[i].value)));
      });
    fc.assert(
      fc.property(case_, ([input, field, variant]) => {
        const got = messages(field.set(input, variant));
        const expected = [`${field.path}: "${variant}" is not ${what}; did you mean "${field.value}"?`];
        if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${JSON.stringify(got)} instead of ${JSON.stringify(expected)}`);
      }),
      { numRuns: 500, seed: key === 'type' ? 22 : 23 },
    );
  });
}

test.run();
