import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import type { Plant } from '../../host-sim/plants';
import type { PressParams } from '../../host-sim/physics/press';
import { DEFAULT_TUNING } from '../../src/control/controller';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));

function ramps(plant: Plant, program: string, ignoreBreakaways: boolean) {
  const session = createDryRunSession(example(program), { seed: 3, plant, firmware: { tuning: { ...DEFAULT_TUNING, ignoreBreakaways } } });
  const metrics = new ControlMetrics(session);
  const result = runSession(session, { seed: 3, traceEveryTicks: 0, onTick: (s) => metrics.sample(s) });
  const figures = metrics.figures(result.report?.result ?? 'invalid', result.simTimeS);
  return { result: result.report?.fault ? `fault ${result.report.fault.name}` : figures.result, ramps: figures.steps.filter((s) => s.type === 'ramp') };
}

const withSeals = (base: string, seals: Partial<PressParams>): Plant => {
  const plant = PLANT_PRESETS[base];
  return { ...plant, name: `${base}+seals`, press: { ...plant.press, ...seals } };
};

/**
 * A stuck ram lets go in a jump; learnt as stiffness, the jump made the pump gain (and the
 * contact cap with it) many times too high, and the pump crawled to the next breakaway.
 */
test('dry seals (the preset the rule was made on): the ramps run at their programmed rate instead of a fifth of it', () => {
  const plant = PLANT_PRESETS['sticky-seals'];
  const before = ramps(plant, 'li6ps5cl-three-layer', false);
  const after = ramps(plant, 'li6ps5cl-three-layer', true);
  for (let i = 0; i < 3; i++) {
    assert.ok(before.ramps[i].rampRatePct! < 50, `before: ramp ${i + 1} at ${before.ramps[i].rampRatePct} %`);
    assert.ok(after.ramps[i].rampRatePct! > 90 && after.ramps[i].rampRatePct! < 110, `after: ramp ${i + 1} at ${after.ramps[i].rampRatePct} %`);
    // Within about half a jump (5 MPa at the die) of the programmed line; before, hundreds of MPa behind it.
    assert.ok(after.ramps[i].rampTrackMaxMPa! < 3.5 && before.ramps[i].rampTrackMaxMPa! > 50, `ramp ${i + 1} strays ${before.ramps[i].rampTrackMaxMPa} → ${after.ramps[i].rampTrackMaxMPa} MPa`);
  }
});

test('seals it was not tuned on — rigid (no presliding) on a 25 t frame, or 8 µm presliding and 1 kN breakaway on the 10 t — ramp at their rate too', () => {
  const rigid = withSeals('press-25t', { sealFrictionN: 500, sealBreakawayN: 900, stickSpeedMPerS: 20e-6, preslidingM: 0 });
  const before = ramps(rigid, 'li6ps5cl-three-layer', false);
  const after = ramps(rigid, 'li6ps5cl-three-layer', true);
  for (let i = 0; i < 2; i++) {
    assert.ok(before.ramps[i].rampRatePct! < 70, `rigid, before: ramp ${i + 1} at ${before.ramps[i].rampRatePct} %`);
    assert.ok(after.ramps[i].rampRatePct! > 90, `rigid, after: ramp ${i + 1} at ${after.ramps[i].rampRatePct} %`);
  }
  const soft = withSeals('press-10t', { sealFrictionN: 600, sealBreakawayN: 1000, stickSpeedMPerS: 80e-6, preslidingM: 8e-6 });
  assert.is(ramps(soft, 'cathode-sheet-lamination', false).result, 'fault RELEASE_BLOCKED');
  const softAfter = ramps(soft, 'cathode-sheet-lamination', true);
  assert.is(softAfter.result, 'completed');
  for (const ramp of softAfter.ramps) assert.ok(ramp.rampRatePct! > 90 && ramp.rampRatePct! < 110, `${ramp.targetMPa} MPa at ${ramp.rampRatePct} %`);
});

test('the default press keeps its ramps at the programmed rate and without overshoot', () => {
  const plant = PLANT_PRESETS['press-10t'];
  const after = ramps(plant, 'li6ps5cl-three-layer', true);
  for (let i = 0; i < 3; i++) {
    // The third layer's ramp starts across a gap: 100 % of its rate before, about 93 % now.
    assert.ok(after.ramps[i].rampRatePct! > 90 && after.ramps[i].rampRatePct! < 110, `ramp ${i + 1} at ${after.ramps[i].rampRatePct} %`);
    assert.ok(after.ramps[i].overshootMPa! < 0.5, `ramp ${i + 1} overshoot ${after.ramps[i].overshootMPa}`);
    assert.ok(after.ramps[i].rampTrackMaxMPa! < 0.01 * after.ramps[i].targetMPa, `ramp ${i + 1} strays ${after.ramps[i].rampTrackMaxMPa} MPa`);
  }
});

test.run();
