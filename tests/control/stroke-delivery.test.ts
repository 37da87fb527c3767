import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ControlMetrics } from '../../host-sim/control-metrics';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import type { DryRunOptions } from '../../host-sim/scenario';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { simulatedPressCharacter } from '../../host-sim/simulator';
import type { PressCharacter } from '../../hal/press-character';
import { StrokeDelivery } from '../../src/control/stroke-delivery';
import { readExample } from '../support/helpers';

const PISTON = PLANT_PRESETS['slow-piston-pump'];

/** Dry-runs with the bench's figures; `withCharacter: false` takes the commissioned character off the board. */
function measured(example: string, plantName: string, withCharacter = true, extra: Partial<DryRunOptions> = {}) {
  const json = readExample(example) as { steps: { type: string; duration_s?: number }[] };
  // The 72 h maintain steps are not what this is about: ten minutes of them are enough.
  for (const step of json.steps) if (step.type === 'maintain' && step.duration_s! > 600) step.duration_s = 600;
  const options: Partial<DryRunOptions> = { seed: 1, plant: PLANT_PRESETS[plantName], ...extra };
  if (!withCharacter) options.board = (sim) => ({ ...sim.board, character: undefined });
  const session = createDryRunSession(json, options);
  assert.equal(session.errors, []);
  const metrics = new ControlMetrics(session);
  const result = runSession(session, { ...options, traceEveryTicks: 0, onTick: (s) => metrics.sample(s) });
  return { result, figures: metrics.figures(result.report?.result ?? 'invalid', result.simTimeS), session };
}

const allowanceMPa = (targetMPa: number) => Math.max(0.005 * targetMPa, 0.5);

/** What the board of the slow-piston-pump preset carries. */
function pistonCharacter(changes: Partial<PressCharacter> = {}): PressCharacter {
  const options = { press: PISTON.press, sensor: PISTON.sensor } as Parameters<typeof simulatedPressCharacter>[0];
  return { ...simulatedPressCharacter(options), ...changes };
}

for (const example of ['li6ps5cl-three-layer', 'na-s-600mpa-copress']) {
  test(`a single-piston pump (slow-piston-pump × ${example}): every ramp arrives within the overshoot allowance at ≥ 60 % of its rate, ≥ 85 % on average`, () => {
    const { result, figures, session } = measured(example, 'slow-piston-pump');
    assert.is(result.report?.result, 'completed');
    const strokes = session.firmware.strokes!;
    assert.ok(strokes !== null && strokes.synced && strokes.syncs > 3, `stroke starts seen: ${strokes?.syncs}`);
    const ramps = figures.steps.filter((s) => s.type === 'ramp');
    assert.is(ramps.length, 3);
    let rateSum = 0;
    for (const ramp of ramps) {
      assert.ok(ramp.overshootMPa! <= allowanceMPa(ramp.targetMPa), `ramp to ${ramp.targetMPa}: overshoot ${ramp.overshootMPa} MPa`);
      assert.ok(ramp.rampRatePct! >= 60, `ramp to ${ramp.targetMPa}: ${ramp.rampRatePct} % of the programmed rate`);
      rateSum += ramp.rampRatePct!;
    }
    assert.ok(rateSum / ramps.length >= 85, `mean ramp rate ${rateSum / ramps.length} %`);
  });
}

test('without the commissioned character the same pump delivers whole strokes: overshoot past the allowance, ramps at under 60 % of their rate', () => {
  const { figures, session } = measured('na-s-600mpa-copress', 'slow-piston-pump', false);
  assert.is(session.firmware.strokes, null);
  const ramps = figures.steps.filter((s) => s.type === 'ramp');
  assert.ok(ramps.some((r) => r.overshootMPa! > allowanceMPa(r.targetMPa)), ramps.map((r) => r.overshootMPa).join(', '));
  assert.ok(Math.min(...ramps.map((r) => r.rampRatePct!)) < 60, ramps.map((r) => r.rampRatePct).join(', '));
});

test('stroke delivery is built only for a piston pump under the PI law', () => {
  const gear = measured('cathode-sheet-lamination', 'press-10t');
  assert.is(gear.session.firmware.strokes, null);
  const onOff = createDryRunSession(readExample('cathode-sheet-lamination'), { plant: PISTON, firmware: { controlLaw: 'on-off' } });
  assert.is(onOff.firmware.strokes, null);
  assert.throws(() => new StrokeDelivery(pistonCharacter({ pumpKind: 'gear' }), { pumpGain: 100 }), /pumpKind is 'gear'/);
  assert.throws(() => new StrokeDelivery(pistonCharacter({ pumpStrokesPerS: 0 }), { pumpGain: 100 }), /pumpStrokesPerS/);
  assert.throws(() => new StrokeDelivery(pistonCharacter({ pumpPistons: 1.5 }), { pumpGain: 100 }), /pumpPistons/);
  assert.throws(() => new StrokeDelivery(pistonCharacter({ pumpTimeConstantS: -1 }), { pumpGain: 100 }), /pumpTimeConstantS/);
});

/**
 * A single-piston pump on a linear stack, in the module's own terms: the crank turns with a
 * first-order motor, a stroke's oil raises the pressure by `strokeMPa`.
 */
class CrankBench {
  crankRad: number;
  speed = 0;
  pressureMPa = 50;
  drivenLevel = 0;
  constructor(
    readonly character: PressCharacter,
    readonly strokeMPa: number,
    startRad: number,
  ) {
    this.crankRad = startRad;
  }

  /** One 10 ms period at the level driven, in 1 ms steps. */
  period(level: number): void {
    const c = this.character;
    for (let i = 0; i < 10; i++) {
      this.speed += (level - this.speed) * (0.001 / (c.pumpTimeConstantS + 0.001));
      const step = 2 * Math.PI * c.pumpStrokesPerS * this.speed * 0.001;
      const s = Math.sin(this.crankRad);
      if (s > 0) this.pressureMPa += (this.strokeMPa / 2) * s * step;
      this.crankRad = (this.crankRad + step) % (2 * Math.PI);
    }
    this.drivenLevel = level;
  }
}

test('the crank angle is unknown until a stroke starts after a flat stretch; then it follows the crank', () => {
  const character = pistonCharacter();
  const gains = { pumpGain: 20 * character.pumpStrokesPerS };
  const strokes = new StrokeDelivery(character, gains);
  // Start in the suction half, 2 rad before the next stroke: the level passes through until it is seen.
  const bench = new CrankBench(character, 20, 2 * Math.PI - 2);
  let syncedAt = -1;
  for (let tick = 0; tick < 3000 && syncedAt < 0; tick++) {
    strokes.advance(bench.drivenLevel, 0.01, bench.pressureMPa, true, 0.005, 78.54);
    if (!strokes.synced) assert.is(strokes.command(0.05), 0.05);
    else syncedAt = tick;
    bench.period(strokes.command(0.05));
  }
  assert.ok(syncedAt > 0, 'a stroke start was seen');
  for (let tick = 0; tick < 2000; tick++) {
    strokes.advance(bench.drivenLevel, 0.01, bench.pressureMPa, true, 0.005, 78.54);
    let error = Math.abs(strokes.crankRad - bench.crankRad);
    if (error > Math.PI) error = 2 * Math.PI - error;
    assert.ok(error < 0.3, `tick ${tick}: estimated ${strokes.crankRad} rad, crank at ${bench.crankRad} rad`);
    bench.period(strokes.command(0.05));
  }
});

test('before contact (no pressure) a rise is not a stroke start; nor is a rise without a flat stretch before it', () => {
  const strokes = new StrokeDelivery(pistonCharacter(), { pumpGain: 60 });
  // The pump turned 2 rad with nothing rising, at 0 MPa: contact, not a stroke.
  strokes.advance(0, 0.01, 0, true, 0.005, 78.54);
  for (let i = 0; i < 100; i++) strokes.advance(0.1, 0.01, 0, true, 0.005, 78.54);
  strokes.advance(0.1, 0.01, 1, true, 0.005, 78.54);
  assert.not.ok(strokes.synced);
  // In contact and rising all along: no flat stretch, no stroke start.
  for (let i = 0; i < 100; i++) strokes.advance(0.1, 0.01, 1 + 0.2 * i, true, 0.005, 78.54);
  assert.not.ok(strokes.synced);
});

test('once the crank is known: full speed between strokes, level ÷ the stroke\'s flow in a stroke, stopped at level 0', () => {
  const character = pistonCharacter({ pumpTimeConstantS: 0 });
  const strokes = new StrokeDelivery(character, { pumpGain: 60 });
  // A flat stretch, then a rise: the crank is set.
  for (let i = 0; i < 60; i++) strokes.advance(0.2, 0.01, 50, true, 0, 78.54);
  strokes.advance(0.2, 0.01, 50.5, true, 0, 78.54);
  assert.ok(strokes.synced);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 2 * Math.PI, maxExcluded: true, noNaN: true }), fc.double({ min: 0.001, max: 1, noNaN: true }), (crankRad, level) => {
      strokes.crankRad = crankRad;
      strokes.speed = 0;
      const flowShare = Math.PI * Math.max(0, Math.sin(crankRad));
      const speed = strokes.command(level);
      if (flowShare > level) assert.ok(Math.abs(speed * flowShare - level) < 1e-9, `${speed} × ${flowShare} ≠ ${level}`);
      else assert.is(speed, 1);
      assert.is(strokes.command(0), 0);
    }),
  );
});

test('the flow model: a whole revolution at full speed delivers the mean flow, the suction half none', () => {
  const character = pistonCharacter({ pumpTimeConstantS: 0 });
  const strokes = new StrokeDelivery(character, { pumpGain: 60 });
  for (let i = 0; i < 60; i++) strokes.advance(0.2, 0.01, 50, true, 0, 78.54);
  strokes.advance(0.2, 0.01, 50.5, true, 0, 78.54);
  const revolutionS = 1 / character.pumpStrokesPerS;
  let oil = 0;
  const ticks = 1000;
  for (let i = 0; i < ticks; i++) {
    strokes.advance(1, revolutionS / ticks, 60, false, 0, 78.54);
    oil += strokes.flow / ticks;
  }
  assert.ok(Math.abs(oil - 1) < 1e-9, String(oil));
  // Park the crank at the start of the suction half: a quarter turn delivers nothing.
  strokes.crankRad = Math.PI;
  strokes.advance(1, revolutionS / 4, 60, false, 0, 78.54);
  assert.ok(Math.abs(strokes.flow) < 1e-12, String(strokes.flow));
});

test.run();
