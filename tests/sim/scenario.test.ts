import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dryRun } from '../../host-sim/scenario';
import { readExample } from '../support/helpers';
import { compactionDensity } from '../../host-sim/physics/sample-stack';
import { MATERIALS } from '../../host-sim/physics/materials';
import type { PowderMaterial } from '../../host-sim/physics/materials';

const example = readExample('li6ps5cl-three-layer');
const result = dryRun(example, { seed: 1, traceEveryTicks: 10 });

test('the three-layer example completes on the simulated press', () => {
  assert.ok(result.valid);
  const report = result.report!;
  assert.is(report.result, 'completed');
  assert.is(report.steps.length, 11);
  assert.is(result.overruns, 0);
  assert.is(result.leaseExpiries, 0);
  assert.equal(result.layers.map((l) => l.material), ['li6ps5cl', 'ncm811-li6ps5cl', 'li-in-foil']);
});

test('every ramp arrives within its band without overshooting more than 0.5 % of the target', () => {
  for (const step of result.report!.steps) {
    if (step.type !== 'ramp' && step.type !== 'hold') continue;
    const target = step.target_MPa!;
    assert.ok(step.overshoot_MPa! <= Math.max(0.005 * target, 0.5), `step ${step.index}: overshoot ${step.overshoot_MPa} MPa at ${target} MPa`);
    if (step.type === 'ramp') assert.ok(Math.abs(step.reached_MPa! - target) <= Math.max(0.005 * target, 0.5) + 1e-9, `step ${step.index} reached ${step.reached_MPa}`);
  }
});

test('holds stay on target: p99 of |error| ≤ 0.5 % of the target', () => {
  const holds = result.report!.steps.filter((s) => s.type === 'hold');
  assert.is(holds.length, 3);
  for (const hold of holds) {
    assert.ok(hold.hold_error_p99_MPa! <= 0.005 * hold.target_MPa!, `step ${hold.index}: p99 ${hold.hold_error_p99_MPa} MPa`);
    // The mean sits within the hold's dead band (0.15 % of the target) of the target.
    assert.ok(Math.abs(hold.reached_MPa! - hold.target_MPa!) <= 0.0015 * hold.target_MPa!, `mean ${hold.reached_MPa}`);
  }
});

test('the pressure comes from the physics: the densified layers match the Heckel curve at their peak pressure', () => {
  const [separator, cathode] = result.layers;
  // Both powder layers last carried ≈ 400 MPa (the cathode step): Heckel at 400 MPa.
  const expectSeparator = compactionDensity(MATERIALS.li6ps5cl as PowderMaterial, 400);
  const expectCathode = compactionDensity(MATERIALS['ncm811-li6ps5cl'] as PowderMaterial, 400);
  assert.ok(Math.abs(separator.relative_density - expectSeparator) < 0.002, `${separator.relative_density} vs ${expectSeparator}`);
  assert.ok(Math.abs(cathode.relative_density - expectCathode) < 0.002, `${cathode.relative_density} vs ${expectCathode}`);
  const truePressure = result.trace!.column('pressure_MPa');
  let peak = 0;
  for (const p of truePressure) peak = Math.max(peak, p);
  assert.ok(peak > 398 && peak < 402, `true peak ${peak}`);
});

test('same seed, same run; another seed, another noise realisation', () => {
  const again = dryRun(example, { seed: 1, traceEveryTicks: 0 });
  assert.equal(again.report, result.report);
  const other = dryRun(example, { seed: 2, traceEveryTicks: 0 });
  assert.is(other.report!.result, 'completed');
  assert.not.equal(other.report!.steps[1].reached_MPa, result.report!.steps[1].reached_MPa);
});

test.run();
