import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { validateProgram, formatValidationError } from '../../src/programs/validate';
import type { DeviceCapabilities } from '../../src/programs/program';
import { compileProgram, HoldMode, StepKind } from '../../src/programs/compile';
import { program, readExample, repoRoot, TEST_DEVICE } from '../support/helpers';

const DEVICE: DeviceCapabilities = TEST_DEVICE;

function messages(input: unknown, device: DeviceCapabilities = DEVICE): string[] {
  return validateProgram(input, device).errors.map(formatValidationError);
}

const ramp = (to: number, rate = 10) => ({ type: 'ramp', to_MPa: to, rate_MPa_s: rate });
const hold = (duration = 10, band = 1) => ({ type: 'hold', duration_s: duration, band_MPa: band, mode: 'dynamic' });
const release = (to = 0, rate = 10) => ({ type: 'release', to_MPa: to, rate_MPa_s: rate });

test('every example program validates', () => {
  const files = readdirSync(path.join(repoRoot, 'examples')).filter((file) => file.endsWith('.json'));
  assert.ok(files.length >= 6, `${files.length} examples`);
  for (const file of files) assert.equal(messages(readExample(file.replace(/\.json$/, ''))), [], file);
});

test('a valid program comes back as a canonical copy: known fields, canonical order, no editor hint', () => {
  const input = {
    steps: [{ mode: 'static', band_MPa: 1, type: 'hold', duration_s: 5 }],
    die: { max_pressure_MPa: 740, diameter_mm: 10 },
    name: 'p',
    format: 'press-program/1',
    $schema: './schema/press-program-1.schema.json',
  };
  input.steps.unshift(ramp(100) as never);
  const result = validateProgram(input, DEVICE);
  assert.ok(result.ok, JSON.stringify(result.errors));
  assert.is(
    JSON.stringify(result.program),
    '{"format":"press-program/1","name":"p","die":{"diameter_mm":10,"max_pressure_MPa":740},"steps":[{"type":"ramp","to_MPa":100,"rate_MPa_s":10},{"type":"hold","duration_s":5,"band_MPa":1,"mode":"static"}]}',
  );
  assert.is.not(result.program, input as never);
});

// ---- the rules, one by one, with their exact messages ----

test('the program must be an object with the right format and an allowed name', () => {
  assert.equal(messages(42), ['a program must be a JSON object, got 42']);
  assert.equal(messages([]), ['a program must be a JSON object, got an array']);
  assert.equal(messages({ ...program(), format: 'press-program/2' }), ['format: must be "press-program/1", got "press-program/2"']);
  assert.equal(messages({ ...program(), name: 'bad name!' }), ['name: "bad name!" is not allowed (1-32 characters: letters, digits, - _ .)']);
  assert.equal(messages({ ...program(), name: '' }), ['name: "" is not allowed (1-32 characters: letters, digits, - _ .)']);
  assert.equal(messages({ ...program(), name: 'x'.repeat(33) }), [`name: "${'x'.repeat(33)}" is not allowed (1-32 characters: letters, digits, - _ .)`]);
  assert.equal(messages({ ...program(), name: 7 }), ['name: 7 is not allowed (1-32 characters: letters, digits, - _ .)']);
  assert.equal(messages({ ...program(), name: 'x'.repeat(32) }), []);
  assert.equal(messages({ ...program(), description: 12 }), ['description: must be a string, got 12']);
  assert.equal(messages({ ...program(), $schema: 5 }), ['$schema: must be a string (an editor hint, not stored), got 5']);
});

test('unknown fields are named with what is allowed, and a near miss gets a suggestion', () => {
  assert.equal(messages({ ...program(), colour: 'red' }), ['colour: unknown field (allowed: $schema, format, name, description, die, limits, log_interval_s, steps)']);
  assert.equal(messages(program([{ ...ramp(100), to_mpa: 5 }])), [
    'steps[0].to_mpa: unknown field (allowed: type, to_MPa, to_kN, rate_MPa_s, rate_kN_s, band_MPa, band_kN, label); did you mean to_MPa?',
  ]);
  assert.equal(messages(program(undefined, { diameter_mm: 10, max_pressure_MPa: 740, colour: 'red' } as never)), [
    'die.colour: unknown field (allowed: diameter_mm, area_mm2, max_pressure_MPa)',
  ]);
  assert.equal(messages({ ...program(), limits: { max_force: 10 } }), ['limits.max_force: unknown field (allowed: max_force_kN); did you mean max_force_kN?']);
});

test('wrong types are named with the value found', () => {
  assert.equal(messages(program([{ type: 'ramp', to_MPa: '300', rate_MPa_s: 10 }])), ['steps[0].to_MPa: must be a number, got "300"']);
  assert.equal(messages(program([ramp(100), { type: 'hold', duration_s: null, band_MPa: 1, mode: 'dynamic' }])), ['steps[1].duration_s: must be a number, got null']);
  assert.equal(messages({ ...program(), steps: {} }), ['steps: must be an array of steps, got an object']);
  assert.equal(messages({ ...program(), steps: [] }), ['steps: must contain at least one step']);
  assert.equal(messages(program([5])), ['steps[0]: a step must be an object, got 5']);
  assert.equal(messages(program([{ type: 'squeeze' }])), ['steps[0].type: "squeeze" is not a step type (one of ramp, hold, release, prompt, wait, maintain, repeat)']);
  assert.equal(messages(program([ramp(100), { ...hold(), mode: 'wobbly' }])), ['steps[1].mode: "wobbly" is not a hold mode (one of dynamic, static)']);
  assert.equal(messages(program([{ type: 'prompt', message: 3 }])), ['steps[0].message: must be a non-empty string, got 3']);
  assert.equal(messages({ ...program(), die: 10 }), ['die: must be an object with diameter_mm (or area_mm2) and max_pressure_MPa, got 10']);
  assert.equal(messages({ ...program(), limits: [] }), ['limits: must be an object, got an array']);
});

test('NaN and Infinity are refused wherever a number goes', () => {
  assert.equal(messages(program([{ type: 'ramp', to_MPa: Infinity, rate_MPa_s: NaN }])), [
    'steps[0].to_MPa: must be a finite number, got Infinity',
    'steps[0].rate_MPa_s: must be a finite number, got NaN',
  ]);
  assert.equal(messages(program(undefined, { diameter_mm: -Infinity, max_pressure_MPa: NaN })), [
    'die.diameter_mm: must be a finite number, got -Infinity',
    'die.max_pressure_MPa: must be a finite number, got NaN',
  ]);
});

test('each MPa/kN pair takes exactly one member', () => {
  assert.equal(messages(program([{ type: 'ramp', rate_MPa_s: 10 }])), ['steps[0].to_MPa: to_MPa or to_kN is required']);
  assert.equal(messages(program([{ type: 'ramp', to_MPa: 100, to_kN: 7, rate_MPa_s: 10 }])), ['steps[0]: gives both to_MPa and to_kN: give exactly one']);
  assert.equal(messages(program([{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10, rate_kN_s: 1 }])), ['steps[0]: gives both rate_MPa_s and rate_kN_s: give exactly one']);
  assert.equal(messages(program([{ type: 'ramp', to_MPa: 100 }])), ['steps[0].rate_MPa_s: rate_MPa_s or rate_kN_s is required']);
  assert.equal(messages(program([ramp(100), { type: 'hold', duration_s: 5, mode: 'static' }])), ['steps[1].band_MPa: band_MPa or band_kN is required']);
  assert.equal(messages(program([ramp(100), { ...hold(), band_kN: 0.1 }])), ['steps[1]: gives both band_MPa and band_kN: give exactly one']);
  assert.equal(messages(program([{ type: 'maintain', duration_s: 10, band_MPa: 1 }])), ['steps[0].at_MPa: at_MPa or at_kN is required']);
  assert.equal(messages(program(undefined, { diameter_mm: 10, area_mm2: 78, max_pressure_MPa: 740 } as never)), ['die: gives both diameter_mm and area_mm2: give exactly one']);
  assert.equal(messages(program(undefined, { max_pressure_MPa: 740 } as never)), ['die.diameter_mm: diameter_mm (round die) or area_mm2 (any other shape) is required']);
});

test('forces are converted over the die area and checked like pressures', () => {
  // 10 mm die: 78.54 mm²; 23.562 kN = 300 MPa.
  assert.equal(messages(program([{ type: 'ramp', to_kN: 23.562, rate_kN_s: 0.5 }, { type: 'hold', duration_s: 5, band_kN: 0.1, mode: 'dynamic' }])), []);
  assert.equal(messages(program([{ type: 'ramp', to_kN: 80, rate_kN_s: 5 }])), [
    'steps[0].to_kN: 80 kN (1018.592 MPa on this die) exceeds the die rating of 740 MPa',
    'steps[0].rate_kN_s: 5 kN/s (63.662 MPa/s on this die) is faster than the press can deliver (at most 50 MPa/s)',
  ]);
  assert.equal(messages(program([{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10, band_kN: 8 }])), [
    'steps[0].band_kN: 8 kN (101.859 MPa on this die) is out of range (allowed: above 0 up to 50 MPa)',
  ]);
});

test('durations and rates must be above zero', () => {
  assert.equal(messages(program([ramp(100, 0), { ...hold(0) }, { type: 'wait', duration_s: -1 }, release(0, -2)])), [
    'steps[0].rate_MPa_s: 0 is out of range (allowed: above 0 up to 50 MPa/s)',
    'steps[1].duration_s: 0 is out of range (allowed: above 0 up to 2592000 s)',
    'steps[2].duration_s: -1 is out of range (allowed: above 0 up to 2592000 s)',
    'steps[3].rate_MPa_s: -2 is out of range (allowed: above 0 up to 50 MPa/s)',
  ]);
  assert.equal(messages(program([ramp(100), hold(2592001)])), ['steps[1].duration_s: 2592001 is out of range (allowed: above 0 up to 2592000 s)']);
  assert.equal(messages(program([{ type: 'ramp', to_kN: 5, rate_kN_s: -1 }])), ['steps[0].rate_kN_s: -1 is out of range (allowed: above 0 up to 50 MPa/s on this die)']);
});

test('targets above the die rating or the force limit (device limit ∩ program limit) are refused', () => {
  assert.equal(messages(program([ramp(800)])), ['steps[0].to_MPa: 800 exceeds the die rating of 740 MPa']);
  const limited = { ...program([ramp(400)]), limits: { max_force_kN: 20 } };
  assert.equal(messages(limited), [
    'steps[0].to_MPa: 400 MPa on this die is 31.416 kN, above the program force limit of 20 kN (the lowest of die rating 740 MPa, program force limit 20 kN, load cell 100 kN: 254.648 MPa on this die)',
  ]);
  // A 20 mm die: the 100 kN press rating is 318.31 MPa, below the 740 MPa die rating.
  assert.equal(messages(program([ramp(400)], { diameter_mm: 20, max_pressure_MPa: 740 })), [
    'steps[0].to_MPa: 400 MPa on this die is 125.664 kN, above the press rating of 100 kN (the lowest of die rating 740 MPa, press rating 100 kN, load cell 100 kN: 318.31 MPa on this die)',
  ]);
  assert.equal(messages({ ...program(), limits: { max_force_kN: 150 } }), [
    'limits.max_force_kN: 150 is out of range (allowed: above 0 up to 100 kN; a program may only lower the press rating)',
  ]);
  assert.equal(messages(program([{ type: 'maintain', at_MPa: 750, duration_s: 60, band_MPa: 1 }])), ['steps[0].at_MPa: 750 exceeds the die rating of 740 MPa']);
  assert.equal(messages(program([ramp(100)], { diameter_mm: 10, max_pressure_MPa: 0 })), ['die.max_pressure_MPa: 0 is out of range (allowed: above 0 up to 2000 MPa)']);
  assert.equal(messages(program([ramp(100)], { diameter_mm: 0.5, max_pressure_MPa: 740 })), ['die.diameter_mm: 0.5 is out of range (allowed: 1 to 100 mm)']);
  assert.equal(messages(program([ramp(100)], { area_mm2: 20000, max_pressure_MPa: 740 } as never)), ['die.area_mm2: 20000 is out of range (allowed: 0.5 to 10000 mm²)']);
});

test('rates the press cannot deliver are refused', () => {
  assert.equal(messages(program([ramp(100, 500)])), ['steps[0].rate_MPa_s: 500 MPa/s is faster than the press can deliver (at most 50 MPa/s)']);
  assert.equal(messages(program([ramp(100), release(0, 50)])), []);
  assert.equal(messages(program([{ type: 'maintain', at_MPa: 5, duration_s: 60, band_MPa: 0.5, rate_MPa_s: 51 }])), [
    'steps[0].rate_MPa_s: 51 MPa/s is faster than the press can deliver (at most 50 MPa/s)',
  ]);
});

test('ramps go up, releases go down, holds need a level, bands stay above zero', () => {
  assert.equal(messages(program([ramp(100), ramp(50), release(80)])), [
    'steps[1].to_MPa: 50 is not above the 100 MPa the step starts from (a ramp goes up; use a release step to go down)',
    'steps[2].to_MPa: 80 is not below the 50 MPa the step starts from (a release goes down)',
  ]);
  assert.equal(messages(program([hold()])), ['steps[0]: a hold needs a pressure to hold: put a ramp before it']);
  assert.equal(messages(program([ramp(5), hold(10, 5)])), ['steps[1].band_MPa: 5 is not below the 5 MPa held (the band would reach zero pressure)']);
  assert.equal(messages(program([{ type: 'maintain', at_MPa: 2, duration_s: 10, band_MPa: 3 }])), [
    'steps[0].band_MPa: 3 is not below the 2 MPa maintained (the band would reach zero pressure)',
  ]);
  assert.equal(messages(program([{ type: 'maintain', at_MPa: 0, duration_s: 10, band_MPa: 1 }])), [
    'steps[0].at_MPa: 0 is out of range (allowed: above 0; use a wait step to sit at zero)',
  ]);
  assert.equal(messages(program([{ type: 'release', to_MPa: -1, rate_MPa_s: 1 }])), ['steps[0].to_MPa: -1 is out of range (allowed: 0 and above)']);
  assert.equal(messages(program([{ type: 'maintain', at_MPa: 5, duration_s: 10, band_MPa: 1, log_interval_s: 0.01 }])), [
    'steps[0].log_interval_s: 0.01 is out of range (allowed: 0.1 to 3600 s)',
  ]);
});

test('prompts and labels must fit the panel: length in characters, one printable line', () => {
  assert.equal(messages(program([{ type: 'prompt', message: 'x'.repeat(81) }])), ['steps[0].message: 81 characters exceed the 80 the panel can show']);
  // 80 characters that take 160 UTF-16 units and 320 UTF-8 bytes still fit.
  assert.equal(messages(program([{ type: 'prompt', message: '𝄞'.repeat(80) }])), []);
  assert.equal(messages(program([{ type: 'prompt', message: 'line one\nline two' }])), [
    'steps[0].message: contains a control character (U+000A) at character 9; the panel shows one line of text',
  ]);
  assert.equal(messages(program([{ type: 'prompt', message: '' }])), ['steps[0].message: must be a non-empty string, got ""']);
  assert.equal(messages(program([{ type: 'prompt' }])), ['steps[0].message: message is required']);
  assert.equal(messages(program([{ ...ramp(100), label: 'x'.repeat(25) }])), ['steps[0].label: 25 characters exceed the 24 the panel can show']);
  assert.equal(messages(program([{ type: 'prompt', message: 'bad \ud800 text' }])), [
    'steps[0].message: contains an unpaired surrogate (U+D800) at character 5: not valid Unicode text',
  ]);
  assert.equal(messages({ ...program(), description: 'cut \udc00' }), ['description: contains an unpaired surrogate (U+DC00) at character 5: not valid Unicode text']);
});

test('repeats: a whole count of 1-1000, a body, nesting at most 2 deep', () => {
  const body = [ramp(100), hold(), release()];
  assert.equal(messages(program([{ type: 'repeat', count: 3, steps: body }])), []);
  assert.equal(messages(program([{ type: 'repeat', count: 2.5, steps: body }])), ['steps[0].count: must be a whole number, got 2.5']);
  assert.equal(messages(program([{ type: 'repeat', count: 0, steps: body }])), ['steps[0].count: 0 is out of range (allowed: 1 to 1000 times)']);
  assert.equal(messages(program([{ type: 'repeat', count: 2, steps: [] }])), ['steps[0].steps: must contain at least one step']);
  assert.equal(messages(program([{ type: 'repeat', count: 2 }])), ['steps[0].steps: steps is required']);
  const twoDeep = { type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: body }] };
  assert.equal(messages(program([twoDeep])), []);
  const threeDeep = { type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: body }] }] };
  assert.equal(messages(program([threeDeep])), ['steps[0].steps[0].steps[0]: a repeat nested 3 deep: repeats nest at most 2 deep']);
  assert.equal(messages(program([{ type: 'repeat', count: 2, steps: [{ ...ramp(100), rate_MPa_s: 0 }, release()] }])), [
    'steps[0].steps[0].rate_MPa_s: 0 is out of range (allowed: above 0 up to 50 MPa/s)',
  ]);
});

test('a repeat body that ends elsewhere than it starts is checked on its second pass too', () => {
  assert.equal(messages(program([{ type: 'repeat', count: 3, steps: [ramp(100), hold()] }])), [
    'steps[0].steps[0].to_MPa: 100 is not above the 100 MPa the step starts from (a ramp goes up; use a release step to go down) (on repeat pass 2, which starts from 100 MPa)',
  ]);
  assert.equal(messages(program([{ type: 'repeat', count: 1, steps: [ramp(100), hold()] }])), []);
});

test('more steps than the device stores or can run are refused', () => {
  const many = Array.from({ length: 65 }, (_, i) => (i % 2 === 0 ? ramp(10 + i) : hold()));
  assert.equal(messages(program(many)), ['steps: 65 steps (repeat steps and their contents included) exceed the 64 a stored program may hold']);
  assert.equal(messages(program([{ type: 'repeat', count: 100, steps: [ramp(100), hold(), release()] }])), [
    'steps: the run has 300 steps once repeats are unrolled, more than the 256 the device can run',
  ]);
  const nestedCount = { type: 'repeat', count: 2, steps: [{ type: 'repeat', count: 2, steps: [ramp(10), release()] }, ...Array.from({ length: 61 }, () => ({ type: 'wait', duration_s: 1 }))] };
  assert.equal(messages(program([nestedCount])), ['steps: 65 steps (repeat steps and their contents included) exceed the 64 a stored program may hold']);
});

test('a program larger than its flash slot is refused, naming its encoded size', () => {
  const wordy = { ...program(), description: 'd'.repeat(8200) };
  assert.equal(messages(wordy), ['the program encodes to 8254 bytes, more than the 8192-byte flash slot (shorten the description or the prompts)']);
  assert.equal(messages({ ...program(), description: 'd'.repeat(8000) }), []);
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
    'die.colour: unknown field (allowed: diameter_mm, area_mm2, max_pressure_MPa)',
    'steps[0].to_MPa: must be a finite number, got Infinity',
    'steps[0].rate_MPa_s: 0 is out of range (allowed: above 0 up to 50 MPa/s)',
    // No "a hold needs a pressure": the ramp's target is wrong, so the level the hold starts from is unknown.
    'steps[1].duration_s: -1 is out of range (allowed: above 0 up to 2592000 s)',
    'steps[1].mode: "wobbly" is not a hold mode (one of dynamic, static)',
    'steps[2].type: "squeeze" is not a step type (one of ramp, hold, release, prompt, wait, maintain, repeat)',
    'steps[3].rate_MPa_s: 500 MPa/s is faster than the press can deliver (at most 50 MPa/s)',
  ]);
});

// ---- compiling ----

test('compiling puts holds on the level before them and keeps the default ramp band', () => {
  const result = validateProgram(readExample('li6ps5cl-three-layer'), DEVICE);
  assert.ok(result.ok);
  const compiled = compileProgram(result.program!, DEVICE);
  assert.is(compiled.kind[1], StepKind.hold);
  assert.is(compiled.targetMPa[1], 300);
  assert.is(compiled.kind[3], StepKind.prompt);
  assert.is(compiled.targetMPa[3], 0);
  assert.is(compiled.bandMPa[0], 1.5);
});

test('compiling unrolls repeats, converts forces and fills wait and maintain steps', () => {
  const input = program([
    { type: 'repeat', count: 2, label: 'cycle', steps: [{ type: 'ramp', to_kN: 7.854, rate_kN_s: 0.7854, label: 'up' }, release(0, 5)] },
    { type: 'wait', duration_s: 30 },
    { type: 'maintain', at_MPa: 5, duration_s: 3600, band_MPa: 0.25, log_interval_s: 5 },
  ]);
  const result = validateProgram(input, DEVICE);
  assert.ok(result.ok, JSON.stringify(result.errors));
  const compiled = compileProgram(result.program!, DEVICE);
  assert.is(compiled.stepCount, 6);
  assert.equal(Array.from(compiled.kind), [StepKind.ramp, StepKind.release, StepKind.ramp, StepKind.release, StepKind.wait, StepKind.maintain]);
  assert.equal(compiled.sourcePaths, ['steps[0].steps[0]', 'steps[0].steps[1]', 'steps[0].steps[0]', 'steps[0].steps[1]', 'steps[1]', 'steps[2]']);
  assert.equal(compiled.labels, ['up', '', 'up', '', '', '']);
  assert.ok(Math.abs(compiled.targetMPa[0] - 100) < 1e-3, String(compiled.targetMPa[0]));
  assert.ok(Math.abs(compiled.rateMPaPerS[0] - 10) < 1e-4, String(compiled.rateMPaPerS[0]));
  assert.is(compiled.targetMPa[4], 0);
  assert.is(compiled.durationS[4], 30);
  assert.is(compiled.targetMPa[5], 5);
  assert.is(compiled.holdMode[5], HoldMode.static);
  assert.is(compiled.logIntervalS[5], 5);
  assert.is(compiled.rateMPaPerS[5], 1);
});

test('a die given by area compiles to that area', () => {
  const result = validateProgram(program([ramp(100)], { area_mm2: 100, max_pressure_MPa: 500 } as never), DEVICE);
  assert.ok(result.ok, JSON.stringify(result.errors));
  assert.is(compileProgram(result.program!, DEVICE).dieAreaMm2, 100);
});


test('a text beyond the program format (a 70 000-character description) is a validation error, not an exception', () => {
  const input = { ...program([ramp(100), hold(), release()]), description: 'x'.repeat(70_000) };
  const result = validateProgram(input, DEVICE);
  assert.is(result.ok, false);
  assert.equal(result.errors.map(formatValidationError), [`the program does not fit the program format (text of 70000 bytes is longer than 65535), let alone the ${DEVICE.programSlotBytes}-byte flash slot (shorten the description or the prompts)`]);
});

test.run();
