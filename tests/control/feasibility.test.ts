import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createDryRunSession } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { simulatedPressCharacter } from '../../host-sim/simulator';
import { Cause, forecastProgram } from '../../src/control/feasibility';
import type { CompiledProgram } from '../../src/programs/compile';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));

function forecastOn(plantName: string, programName: string) {
  const plant = PLANT_PRESETS[plantName];
  const session = createDryRunSession(example(programName), { seed: 1, plant });
  const character = simulatedPressCharacter({ press: plant.press, sensor: plant.sensor, maxRateMPaPerS: plant.maxRateMPaPerS } as never);
  return { session, forecast: forecastProgram(session.firmware.program as CompiledProgram, character, 100) };
}

test('a 5 MPa ± 0.05 stack on a 10 mm die is forecast to leave its band through the 50 kN cell\'s zero drift', () => {
  const { forecast } = forecastOn('press-10t', 'stack-pressure-5mpa-72h');
  const maintain = forecast.steps[0];
  assert.is(maintain.cause, Cause.drift);
  assert.ok(maintain.inBandPct < 50, `in band ${maintain.inBandPct} %`);
  assert.match(maintain.warning, 'zero drifts');
  assert.is(forecast.warnings.length, 1);
});

test('the three-layer cell on the default press gets no warning: every hold is forecast well inside its band', () => {
  const { forecast } = forecastOn('press-10t', 'li6ps5cl-three-layer');
  assert.is(forecast.warnings.length, 0, forecast.warnings.map((w) => w.warning).join('; '));
  for (const step of forecast.steps) if (step.holdErrorMPa === step.holdErrorMPa) assert.ok(step.holdErrorMPa < 0.5 * step.toleranceMPa, `step ${step.index + 1}: ${step.holdErrorMPa} of ${step.toleranceMPa}`);
});

test('a slow converter is forecast to slow a ramp the governor holds back; a piston pump to overshoot by its strokes', () => {
  const hx = forecastOn('hx711-10sps', 'li6ps5cl-three-layer').forecast;
  const anode = hx.steps[8];
  assert.is(anode.targetMPa, 72);
  assert.is(anode.cause, Cause.delay);
  assert.ok(anode.rampRatePct < 90, `${anode.rampRatePct} %`);
  assert.match(anode.warning, 'ms old');
  assert.is(forecastOn('press-10t', 'li6ps5cl-three-layer').forecast.steps[8].rampRatePct, 100);
  const piston = forecastOn('slow-piston-pump', 'cathode-sheet-lamination').forecast;
  assert.is(piston.steps[0].cause, Cause.strokes);
  assert.ok(piston.steps[0].overshootMPa > 1, `${piston.steps[0].overshootMPa} MPa`);
});

test('the press itself warns on upload, for its own character, with the step\'s path', () => {
  const { session } = forecastOn('press-10t', 'li6ps5cl-three-layer');
  const library = session.firmware.library;
  const defined = library.define(example('stack-pressure-5mpa-72h'));
  assert.ok(defined.checked.ok);
  assert.ok(defined.storeError === null, String(defined.storeError));
  const warnings = library.storedWarnings('stack-pressure-5mpa-72h');
  assert.ok(Array.isArray(warnings));
  const forecastWarning = (warnings as string[]).find((w) => w.includes('zero drifts'));
  assert.ok(forecastWarning !== undefined, (warnings as string[]).join('\n'));
  assert.ok(forecastWarning!.startsWith('steps[0]'), forecastWarning);
});

test.run();
