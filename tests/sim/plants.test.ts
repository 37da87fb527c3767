import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLANT_PRESETS, plantFromJson, plantToJson } from '../../host-sim/plants';
import { program, repoRoot } from '../support/helpers';

test('every preset written as a plant file reads back as the same plant', () => {
  for (const plant of Object.values(PLANT_PRESETS)) {
    const result = plantFromJson(JSON.parse(JSON.stringify(plantToJson(plant))));
    assert.ok(result.ok, `${plant.name}: ${JSON.stringify(!result.ok && result.errors)}`);
    if (result.ok) assert.equal(result.plant, plant, plant.name);
  }
});

test('a plant file extends a preset and changes what it names', () => {
  const result = plantFromJson({ format: 'press-plant/1', name: 'my-press', extends: 'press-15t', press: { leakCoefM3PerSPerPa: 5e-17 }, sensor: 'hx711-80sps' });
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.is(result.plant.press.leakCoefM3PerSPerPa, 5e-17);
  assert.is(result.plant.press.ramAreaM2, PLANT_PRESETS['press-15t'].press.ramAreaM2);
  assert.is(result.plant.sensor.sampleRateSps, 80);
});

test('a bad plant file is refused with every problem named', () => {
  const result = plantFromJson({ format: 'press-plant/2', name: 'x', extends: 'press-10t', press: { ramAreaM2: -1, colour: 3, sealBreakawayN: 10 }, sensor: 'hx999', wheels: 4 });
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.equal(result.errors, [
    'wheels: unknown field (allowed: format, name, description, extends, press, sensor, maxRateMPaPerS, sample)',
    'format: must be "press-plant/1", got "press-plant/2"',
    'press.ramAreaM2: must be a finite number ≥ 0, got -1',
    `press.colour: unknown parameter (allowed: ${Object.keys(PLANT_PRESETS['press-10t'].press).filter((k) => k !== 'name').join(', ')})`,
    'press.sealBreakawayN: 10 is below sealFrictionN 60 (breaking loose takes at least the sliding friction)',
    `sensor: "hx999" is not a sensor preset (one of hx711-10sps, hx711-80sps, ads1220-20sps, ads1220-330sps, ads1220-1000sps, ads1220-2000sps)`,
  ]);
  const unknownParent = plantFromJson({ format: 'press-plant/1', name: 'x', extends: 'press-99t' });
  assert.not.ok(unknownParent.ok);
});

function pressSim(args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'press-sim.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
}

test('cli: plants lists the presets; plants NAME prints a plant file', () => {
  const list = pressSim(['plants']);
  assert.is(list.status, 0);
  for (const name of ['press-8t', 'press-40t', 'air-in-oil', 'hx711-10sps']) assert.match(list.stdout, new RegExp(`^${name}\\s`, 'm'));
  const one = pressSim(['plants', 'leaky-seals']);
  assert.is(one.status, 0);
  assert.is(JSON.parse(one.stdout).name, 'leaky-seals');
  assert.is(pressSim(['plants', 'press-99t']).status, 2);
});

test('cli: run --plant FILE --fault KIND@T uses both and records them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'press-plant-'));
  try {
    const plantFile = path.join(dir, 'slow.json');
    writeFileSync(plantFile, JSON.stringify({ format: 'press-plant/1', name: 'slow', extends: 'press-10t', press: { pumpMaxFlowM3PerS: 1e-6 } }));
    const programFile = path.join(dir, 'p.json');
    writeFileSync(programFile, JSON.stringify(program()));
    const result = pressSim(['run', programFile, '--plant', plantFile, '--fault', 'estop@3', '--out', path.join(dir, 'out'), '--json']);
    assert.is(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.is(report.plant, 'slow');
    assert.equal(report.faults_injected, [{ kind: 'estop', t_s: 3 }]);
    assert.is(report.result, 'fault');
    assert.is(pressSim(['run', programFile, '--fault', 'meteor@3']).status, 2);
    assert.is(pressSim(['run', programFile, '--fault', 'leak']).status, 2);
    const badPlant = pressSim(['run', programFile, '--plant', 'press-99t']);
    assert.is(badPlant.status, 1);
    assert.match(badPlant.stderr, /neither a preset/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
