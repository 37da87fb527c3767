import fc from 'fast-check';
import { FieldKind, STEP_FIELDS, STEP_TYPES } from '../../src/programs/fields';
import type { Program, StepType } from '../../src/programs/program';
import { TEST_DEVICE } from './helpers';
import { dieAreaMm2 } from '../../src/units';
import { FORMAT_LIMITS } from '../../src/programs/validate';

/** fast-check generators of programs, shared by the codec and schema tests. */

/** Any finite double, with the edges drawn often: ±0, subnormals, the largest, integer-width and float32 boundaries. */
export const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 0.1, Math.fround(0.1), 3.4028234663852886e38, 1.401298464324817e-45, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, 2 ** 53),
  fc.integer({ min: 0, max: 2 ** 32 + 10 }),
);
/** Any well-formed Unicode text, astral planes included. */
export const anyText = fc.string({ unit: 'binary', maxLength: 40 });

function stepArbitrary(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const types = depth >= 2 ? STEP_TYPES.filter((type) => type !== 'repeat') : STEP_TYPES;
  return fc.constantFrom(...types).chain((type: StepType) => {
    const model: Record<string, fc.Arbitrary<unknown>> = { type: fc.constant(type) };
    for (const field of STEP_FIELDS[type]) {
      if (field.kind === FieldKind.number) model[field.key] = anyNumber;
      else if (field.kind === FieldKind.text) model[field.key] = anyText;
      else if (field.kind === FieldKind.mode) model[field.key] = fc.constantFrom('dynamic', 'static');
      else model[field.key] = fc.array(stepArbitrary(depth + 1), { maxLength: 4 });
    }
    return fc.record(model, { requiredKeys: ['type'] });
  });
}

/** Programs of the right shape (the codec's domain; values need not pass the validator). */
export const shapedProgram = fc
  .record(
    {
      format: fc.constant('press-program/1'),
      name: anyText,
      description: anyText,
      die: fc.oneof(fc.record({ diameter_mm: anyNumber, max_pressure_MPa: anyNumber }), fc.record({ area_mm2: anyNumber, max_pressure_MPa: anyNumber })),
      limits: fc.record({ max_force_kN: anyNumber }),
      log_interval_s: anyNumber,
      steps: fc.array(stepArbitrary(0), { minLength: 1, maxLength: 8 }),
    },
    { requiredKeys: ['format', 'name', 'die', 'steps'] },
  )
  .map((p) => p as unknown as Program);

/**
 * Programs the validator accepts on TEST_DEVICE: built step by step from the level the
 * program is at, with values at the edges of their ranges drawn often.
 */
export const validProgram = fc
  .record({
    name: fc.stringMatching(/^[A-Za-z0-9._-]{1,32}$/),
    description: fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: undefined }),
    diameterMm: fc.oneof(fc.constantFrom(1, 10, 13, 100), fc.double({ min: 1, max: 100, noNaN: true })),
    ratingMPa: fc.oneof(fc.constant(2000), fc.double({ min: 1, max: 2000, noNaN: true })),
    choices: fc.array(fc.record({ kind: fc.nat(5), a: fc.double({ min: 0, max: 1, noNaN: true }), b: fc.double({ min: 0, max: 1, noNaN: true }), kN: fc.boolean(), label: fc.option(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 }), { nil: undefined }) }), { minLength: 1, maxLength: 20 }),
  })
  .map(({ name, description, diameterMm, ratingMPa, choices }) => {
    const areaMm2 = dieAreaMm2(diameterMm);
    const ceilingMPa = Math.min(ratingMPa, (TEST_DEVICE.maxForceKN * 1000) / areaMm2) * 0.999;
    const edge = (fraction: number, min: number, max: number) => (fraction < 0.05 ? max : fraction > 0.95 ? min : min + fraction * (max - min));
    const steps: Record<string, unknown>[] = [];
    let level = 0;
    // The whole run must fit the run-time limit: each step takes from what is left (with a
    // margin for rounding), durations and slow rates at their edges included.
    let leftS = FORMAT_LIMITS.maxRunTimeS * 0.999;
    const fits = (timeS: number) => timeS <= leftS;
    for (const c of choices) {
      const label = c.label !== undefined && !/[\u0000-\u001f\u007f]/.test(c.label) ? { label: c.label } : {};
      const maxRate = TEST_DEVICE.maxRateMPaPerS;
      const rateFor = (distanceMPa: number) => edge(c.b, Math.min(maxRate, Math.max(1e-3, (distanceMPa / leftS) * 1.001)), maxRate);
      const durationUpTo = (maxS: number) => Math.min(maxS, leftS);
      if (c.kind <= 1 && level < ceilingMPa - 1 && fits((ceilingMPa - level) / maxRate)) {
        const to = level + 0.5 + c.a * (ceilingMPa - level - 0.5);
        const rate = rateFor(to - level);
        leftS -= (to - level) / rate;
        steps.push(c.kN ? { type: 'ramp', to_kN: (to * areaMm2) / 1000 / 1.0000001, rate_MPa_s: rate, ...label } : { type: 'ramp', to_MPa: to, rate_MPa_s: rate, ...label });
        level = c.kN ? (((to * areaMm2) / 1000 / 1.0000001) * 1000) / areaMm2 : to;
      } else if (c.kind === 2 && level > 1 && fits(1e-3)) {
        const durationS = edge(c.a, 1e-3, durationUpTo(2592000));
        leftS -= durationS;
        steps.push({ type: 'hold', duration_s: durationS, band_MPa: Math.min(50, level * 0.5) * (0.01 + 0.99 * c.b), mode: c.kN ? 'static' : 'dynamic', ...label });
      } else if (c.kind === 3 && level > 0 && fits(level / maxRate)) {
        const to = level * c.a * 0.999;
        const rate = rateFor(level - to);
        leftS -= (level - to) / rate;
        steps.push({ type: 'release', to_MPa: to, rate_MPa_s: rate, ...label });
        level = to;
      } else if (c.kind === 4 && fits(1e-3)) {
        const durationS = edge(c.a, 5e-324, durationUpTo(2592000));
        leftS -= durationS;
        steps.push({ type: 'wait', duration_s: durationS, ...label });
      } else if (fits(259200 + ceilingMPa)) {
        const at = 0.5 + c.a * (ceilingMPa - 0.5);
        leftS -= 259200 + Math.abs(at - level);
        steps.push({ type: 'maintain', at_MPa: at, duration_s: 259200, band_MPa: Math.min(50, at * 0.5) * (0.01 + 0.99 * c.b), log_interval_s: edge(c.b, 0.1, 3600), ...label });
        level = at;
      } else {
        steps.push({ type: 'prompt', message: 'next layer', ...label });
      }
    }
    const p: Record<string, unknown> = { format: 'press-program/1', name };
    if (description !== undefined) p.description = description;
    p.die = { diameter_mm: diameterMm, max_pressure_MPa: ratingMPa };
    if (choices.length % 3 === 0) p.log_interval_s = edge(choices[0].a, 0.1, 3600);
    p.steps = steps;
    return p;
  });

