import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MATERIALS } from '../../host-sim/physics/materials';
import type { PowderMaterial } from '../../host-sim/physics/materials';
import { SampleStack } from '../../host-sim/physics/sample-stack';
import { PressPlant } from '../../host-sim/physics/plant';
import { PRESS_10T } from '../../host-sim/physics/press';

const argyrodite = MATERIALS.li6ps5cl as PowderMaterial;
const DIE_10MM_M2 = (Math.PI / 4) * 0.01 * 0.01;

test('100 mg Li6PS5Cl pressed at 375 MPa in a 10 mm die is m / (ρ·A·D) thick with D = 0.83; stiffness ≈ 150 kN/mm at 300 MPa', () => {
  const stack = new SampleStack(DIE_10MM_M2);
  stack.addLayer(argyrodite, 100e-6);
  stack.load(375);
  // h = m / (ρ_th·A·D): ρ_th 1.64 g/cm³ and 375 MPa → D = 0.83 [pub] (shared physics reference);
  // the anchor is given to ±0.01 in D, ±1.2 % in thickness.
  const expectedM = 100e-6 / (1640 * DIE_10MM_M2 * 0.83);
  const thicknessM = stack.thicknessM(0);
  assert.ok(Math.abs(thicknessM - expectedM) < 0.012 * expectedM, `${thicknessM * 1e3} mm, expected ${expectedM * 1e3} mm`);

  const loaded = new SampleStack(DIE_10MM_M2);
  loaded.addLayer(argyrodite, 100e-6);
  loaded.load(300);
  const d = loaded.relativeDensity(0);
  const stiffnessKNPerMm = 1 / loaded.complianceMPerN(300) / 1e6;
  assert.ok(stiffnessKNPerMm > 110 && stiffnessKNPerMm < 200, `${stiffnessKNPerMm} kN/mm at D=${d}`);
  // Below its peak the pellet is elastic: much stiffer than while compacting.
  const elastic = 1 / loaded.complianceMPerN(200) / 1e6;
  assert.ok(elastic > 5 * stiffnessKNPerMm, `elastic ${elastic} kN/mm`);
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
