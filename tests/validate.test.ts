import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateProgram, formatValidationError } from '../src/programs/validate';
import type { DeviceCapabilities } from '../src/programs/program';
import { compileProgram, StepKind } from '../src/programs/compile';
import { program, readExample } from './helpers';

const DEVICE: DeviceCapabilities = { maxForceKN: 100, maxRateMPaPerS: 50, maxSteps: 64, panelPromptChars: 80 };

function messages(input: unknown): string[] {
  return validateProgram(input, DEVICE).errors.map(formatValidationError);
}

test('the example programs validate', () => {
  assert.equal(messages(readExample('li6ps5cl-three-layer')), []);
});

test('a target above the die rating names path, value and limit', () => {
  assert.equal(messages(program([{ type: 'ramp', to_MPa: 800, rate_MPa_s: 10 }])), ['steps[0].to_MPa: 800 exceeds the die rating of 740 MPa']);
});

test('the force limit applies when it is lower than the die rating', () => {
  const p = { ...program([{ type: 'ramp', to_MPa: 400, rate_MPa_s: 10 }]), limits: { max_force_kN: 20 } };
  assert.equal(messages(p), ['steps[0].to_MPa: 400 exceeds the program force limit (20 kN = 254.648 MPa on this die)']);
});

test('every violation is reported at once', () => {
  const bad = {
    format: 'press-program/2',
    name: 'bad name!',
    die: { diameter_mm: 10, max_pressure_MPa: 740, colour: 'red' },
    steps: [
      { type: 'ramp', to_MPa: Infinity, rate_MPa_s: 0 },
      { type: 'hold', duration_s: -1, band_MPa: 1, mode: 'wobbly' },
      { type: 'squeeze' },
      { type: 'ramp', to_MPa: 100, rate_MPa_s: 500 },
    ],
  };
  assert.equal(messages(bad), [
    'format: must be "press-program/1", got "press-program/2"',
    'name: "bad name!" is not allowed (1-32 characters: letters, digits, - _ .)',
    'die.colour: unknown field (allowed: diameter_mm, max_pressure_MPa)',
    'steps[0].to_MPa: must be a finite number, got Infinity',
    'steps[0].rate_MPa_s: 0 is out of range (above 0 to Infinity MPa/s)',
    'steps[1]: a hold needs a pressure to hold: put a ramp before it',
    'steps[1].duration_s: -1 is out of range (above 0 to 2592000 s)',
    'steps[1].mode: "wobbly" is not a hold mode (one of dynamic, static)',
    'steps[2].type: "squeeze" is not a step type (one of ramp, hold, release, prompt)',
    'steps[3].rate_MPa_s: 500 MPa/s is faster than the press can deliver (at most 50 MPa/s)',
  ]);
});

test('ramps go up, releases go down', () => {
  assert.equal(messages(program([
    { type: 'ramp', to_MPa: 100, rate_MPa_s: 10 },
    { type: 'ramp', to_MPa: 50, rate_MPa_s: 10 },
    { type: 'release', to_MPa: 80, rate_MPa_s: 10 },
  ])), [
    'steps[1].to_MPa: 50 is not above the 100 MPa the step starts from (a ramp goes up; use a release step to go down)',
    'steps[2].to_MPa: 80 is not below the 50 MPa the step starts from (a release goes down)',
  ]);
});

test('non-objects and long prompts are rejected with their reason', () => {
  assert.equal(messages(42), ['a program must be a JSON object, got 42']);
  assert.equal(messages(program([{ type: 'prompt', message: 'x'.repeat(81) }])), ['steps[0].message: 81 characters exceed the 80 the panel can show']);
});

test('compiling puts hold targets on the level of the ramp before them', () => {
  const result = validateProgram(readExample('li6ps5cl-three-layer'), DEVICE);
  assert.ok(result.ok);
  const compiled = compileProgram(result.program!, DEVICE.maxForceKN);
  assert.is(compiled.kind[1], StepKind.hold);
  assert.is(compiled.targetMPa[1], 300);
  assert.is(compiled.targetMPa[5], 400);
  assert.is(compiled.kind[3], StepKind.prompt);
  assert.is(compiled.targetMPa[3], 0);
  assert.is(compiled.bandMPa[0], 1.5);
});

test.run();
