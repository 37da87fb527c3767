import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MATERIALS } from '../host-sim/physics/materials';
import type { PowderMaterial } from '../host-sim/physics/materials';
import { compactionDensity, SampleStack } from '../host-sim/physics/sample-stack';
import { PressPlant } from '../host-sim/physics/plant';
import { PRESS_10T } from '../host-sim/physics/press';

const argyrodite = MATERIALS.li6ps5cl as PowderMaterial;
const DIE_10MM_M2 = (Math.PI / 4) * 0.01 * 0.01;

test('Li6PS5Cl compaction passes its anchor points: 375 MPa → 0.83 [pub], 125 MPa → 0.72 [est]', () => {
  assert.ok(Math.abs(compactionDensity(argyrodite, 375) - 0.83) < 0.01, String(compactionDensity(argyrodite, 375)));
  assert.ok(Math.abs(compactionDensity(argyrodite, 125) - 0.72) < 0.02, String(compactionDensity(argyrodite, 125)));
  assert.ok(Math.abs(compactionDensity(argyrodite, 0) - argyrodite.fillRelativeDensity) < 1e-12);
  assert.ok(compactionDensity(argyrodite, 5000) <= argyrodite.maxRelativeDensity);
});

test('100 mg Li6PS5Cl at D = 0.80 in a 10 mm die is ≈ 0.97 mm thick; stiffness ≈ 150 kN/mm at 300 MPa', () => {
  const stack = new SampleStack(DIE_10MM_M2);
  stack.addLayer(argyrodite, 100e-6);
  stack.load(300);
  const d = stack.relativeDensity(0);
  const thickness = 100e-6 / (1640 * DIE_10MM_M2 * 0.8);
  assert.ok(Math.abs(thickness - 0.97e-3) < 0.01e-3);
  const stiffnessKNPerMm = 1 / stack.complianceMPerN(300) / 1e6;
  assert.ok(stiffnessKNPerMm > 110 && stiffnessKNPerMm < 200, `${stiffnessKNPerMm} kN/mm at D=${d}`);
  // Below its peak the pellet is elastic: much stiffer than while compacting.
  const elastic = 1 / stack.complianceMPerN(200) / 1e6;
  assert.ok(elastic > 5 * stiffnessKNPerMm, `elastic ${elastic} kN/mm`);
});

test('pump flow raises pressure; force at the load cell is oil pressure times ram area', () => {
  const stack = new SampleStack(DIE_10MM_M2);
  stack.addLayer(argyrodite, 100e-6);
  const plant = new PressPlant(PRESS_10T, stack);
  for (let i = 0; i < 20000 && plant.diePressureMPa < 300; i++) plant.step(0.001, 1, 0);
  assert.ok(plant.diePressureMPa >= 300);
  assert.ok(Math.abs(plant.forceN - plant.oilPressurePa * PRESS_10T.ramAreaM2) < 1e-9 * plant.forceN);
  // 300 MPa on a 10 mm die is 23.56 kN [reference].
  assert.ok(Math.abs((300e6 * DIE_10MM_M2) / 1000 - 23.56) < 0.01);
});

test('pump off at 300 MPa: the default press loses 0.2–1 %/min', () => {
  const stack = new SampleStack(DIE_10MM_M2);
  stack.addLayer(argyrodite, 100e-6);
  const plant = new PressPlant(PRESS_10T, stack);
  while (plant.diePressureMPa < 300) plant.step(0.001, 1, 0);
  for (let i = 0; i < 1000; i++) plant.step(0.001, 0, 0); // pump spins down
  const start = plant.diePressureMPa;
  for (let i = 0; i < 60000; i++) plant.step(0.001, 0, 0);
  const lossPercentPerMin = ((start - plant.diePressureMPa) / start) * 100;
  assert.ok(lossPercentPerMin >= 0.2 && lossPercentPerMin <= 1, `${lossPercentPerMin} %/min`);
});

test('release valve drains the oil it should: pressure falls, volume bookkeeping balances', () => {
  const stack = new SampleStack(DIE_10MM_M2);
  stack.addLayer(argyrodite, 100e-6);
  const plant = new PressPlant(PRESS_10T, stack);
  while (plant.diePressureMPa < 200) plant.step(0.001, 1, 0);
  for (let i = 0; i < 30000; i++) plant.step(0.001, 0, 1);
  assert.ok(plant.diePressureMPa < 1, String(plant.diePressureMPa));
  assert.ok(plant.releasedVolumeM3 > 0 && plant.releasedVolumeM3 < plant.pumpedVolumeM3);
});

test.run();
