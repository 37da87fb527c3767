import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createDryRunSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import { ResetReason } from '../../hal/system';
import { RunState } from '../../src/runner/run-state';
import { RunOutcome } from '../../src/store/run-journal';
import { StepKind } from '../../src/programs/compile';
import type { CalibrationRecord } from '../../src/store/calibration-record';
import { MAX_CALIBRATION_HISTORY, decodeCalibrationHistory, encodeCalibrationHistory } from '../../src/store/calibration-record';
import { decodeSettings, encodeSettings } from '../../src/store/settings-codec';
import { program, runFor, runUntil } from '../support/helpers';
import { SimFlash } from '../../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../../host-sim/simulator';
import { PressStore, storeLayout } from '../../src/store/press-store';
import { StoreFullError } from '../../src/store/object-store';
import { encodeProgram } from '../../src/programs/codec';
import { programOfSize } from '../../bench/storage-torture';

const LOGGED = {
  ...program([
    { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
    { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ]),
  name: 'logged',
  log_interval_s: 0.5,
};

function booted(json: unknown = LOGGED): DryRunSession {
  const session = createDryRunSession(json, { seed: 3 });
  assert.equal(session.errors, []);
  session.firmware.start();
  runFor(session, 0.3);
  return session;
}

function runToEnd(session: DryRunSession): void {
  assert.is(session.firmware.startRun(), 0);
  runUntil(session, () => !session.firmware.sequencer.active, 120);
  runFor(session, 1.5);
}

test('the dry run stores the program in flash and runs it from there; it is still there after a power cycle', () => {
  const session = booted();
  assert.equal(session.firmware.store.programNames(), ['logged']);
  session.sim.reset(ResetReason.powerOn);
  const after = session.firmware;
  assert.equal(after.store.programNames(), ['logged']);
  assert.is(after.program, null, 'nothing is selected after a restart');
  assert.is(after.selectStoredProgram('logged'), null);
  assert.is(after.program?.name, 'logged');
});

test('store, replace, select and delete by name; refused during a run; the errors say why', () => {
  const session = booted();
  const firmware = session.firmware;
  const other = { ...LOGGED, name: 'other', log_interval_s: 1 };
  assert.ok(firmware.storeProgram(other).ok);
  assert.equal(firmware.store.programNames(), ['logged', 'other']);
  assert.is(firmware.selectStoredProgram('missing'), 'no program named "missing" is stored');
  const invalid = firmware.storeProgram({ ...other, steps: [{ type: 'ramp', to_MPa: 5000, rate_MPa_s: 1 }] });
  assert.not.ok(invalid.ok);
  assert.match(invalid.errors[0].message, /above the load cell's rated capacity/);
  assert.is(firmware.selectStoredProgram('other'), null);
  assert.is(firmware.startRun(), 0);
  runFor(session, 1);
  const during = firmware.storeProgram({ ...other, name: 'third' });
  assert.not.ok(during.ok);
  assert.match(during.errors[0].message, /a run is in progress/);
  assert.match(firmware.deleteStoredProgram('logged') ?? '', /a run is in progress/);
  assert.match(firmware.selectStoredProgram('logged') ?? '', /a run is in progress/);
  assert.equal(firmware.store.programNames(), ['logged', 'other'], 'nothing written during the run');
  runUntil(session, () => !firmware.sequencer.active, 120);
  assert.is(firmware.deleteStoredProgram('other'), null);
  assert.is(firmware.deleteStoredProgram('other'), 'no program named "other" is stored');
  assert.equal(firmware.store.programNames(), ['logged']);
});

test('a run leaves its log in flash: start, end, one summary per step, samples at the program log interval', () => {
  const session = booted();
  const firmware = session.firmware;
  runToEnd(session);
  assert.is(firmware.sequencer.state, RunState.complete);
  const log = firmware.journal.runLog(firmware.runId);
  assert.ok(log !== null);
  assert.ok(log.startFound);
  assert.is(log.run.programName, 'logged');
  assert.is(log.run.outcome, RunOutcome.completed);
  assert.equal(log.steps.map((s) => s.kind), [StepKind.ramp, StepKind.hold, StepKind.release]);
  const report = firmware.report();
  log.steps.forEach((step, i) => {
    assert.ok(Math.abs(step.peakMPa - (report.steps[i].peak_MPa as number)) < 1e-3, `step ${i} peak`);
    assert.ok(Math.abs(step.durationS - (report.steps[i].duration_s as number)) < 1e-3, `step ${i} duration`);
  });
  const samples = log.segments.reduce((n, s) => n + s.pressuresMPa.length, 0);
  const runS = report.run_time_s as number;
  assert.ok(Math.abs(samples - runS / 0.5) <= 2, `${samples} samples over ${runS.toFixed(1)} s at 0.5 s`);
  for (const segment of log.segments) assert.is(segment.intervalMs, 500);
  assert.equal([...new Set(log.segments.map((s) => s.step))], [0, 1, 2], 'a segment per step');
  // The hold's samples are the hold's pressure.
  const hold = log.segments.filter((s) => s.step === 1).flatMap((s) => [...s.pressuresMPa]);
  assert.ok(hold.every((p) => Math.abs(p - 100) < 1.5), `hold samples ${Math.min(...hold).toFixed(2)}..${Math.max(...hold).toFixed(2)} MPa`);
  const peak = Math.max(...log.segments.map((s) => s.peakMPa));
  assert.ok(peak <= report.peak_MPa + 1e-3, 'the samples are means: never above the run peak');
});

test('a power cut in the middle of a run keeps what was flushed and marks the run interrupted', () => {
  const session = booted({ ...LOGGED, steps: [{ type: 'ramp', to_MPa: 50, rate_MPa_s: 10 }, { type: 'hold', duration_s: 300, band_MPa: 1, mode: 'dynamic' }] });
  const firmware = session.firmware;
  assert.is(firmware.startRun(), 0);
  const runId = firmware.runId;
  runFor(session, 200);
  session.sim.reset(ResetReason.powerOn);
  const log = session.firmware.journal.runLog(runId);
  assert.ok(log !== null);
  assert.is(log.run.outcome, RunOutcome.interrupted);
  const kept = log.segments.reduce((n, s) => n + s.pressuresMPa.length, 0);
  // At most the last minute (the flush age) and the open segment are lost.
  assert.ok(kept >= (200 - 60) / 0.5 - 256 && kept <= 200 / 0.5, `${kept} samples of 200 s kept`);
});

test('a calibration added is in force at once and after a restart; the history keeps the last 24', () => {
  const session = booted();
  const firmware = session.firmware;
  const base = firmware.loadCell.calibration;
  const record = (i: number): CalibrationRecord => ({ dateS: 1_790_000_000 + i, reference: `ring ${i}`, calibration: { tareCounts: base.tareCounts + i, kNPerCount: base.kNPerCount }, worstErrorPercent: 0.1 });
  assert.match(firmware.addCalibration({ ...record(0), calibration: { tareCounts: 0, kNPerCount: 0 } }) ?? '', /span 0 kN per count/);
  for (let i = 1; i <= MAX_CALIBRATION_HISTORY + 2; i++) assert.is(firmware.addCalibration(record(i)), null);
  assert.is(firmware.loadCell.calibration.tareCounts, base.tareCounts + MAX_CALIBRATION_HISTORY + 2);
  session.sim.reset(ResetReason.powerOn);
  const after = session.firmware;
  assert.ok(after.calibrationFromStore);
  assert.is(after.loadCell.calibration.tareCounts, base.tareCounts + MAX_CALIBRATION_HISTORY + 2);
  const history = after.store.calibrationHistory();
  assert.is(history.length, MAX_CALIBRATION_HISTORY);
  assert.is(history[0].reference, 'ring 3');
});

test('capacity: 32 programs of 8 KB (the largest a program may be) fit beside a full calibration history and settings', () => {
  const flash = new SimFlash(SIM_PARTITION_BYTES);
  const store = new PressStore(flash, storeLayout(flash));
  store.mount();
  const nodes = Float64Array.from({ length: 11 }, (_, i) => i * 10);
  for (let i = 0; i < MAX_CALIBRATION_HISTORY; i++) {
    store.addCalibration({ dateS: 1_790_000_000 + i, reference: 'R'.repeat(64), calibration: { tareCounts: i, kNPerCount: 1e-5, correctionAtKN: nodes, correctionKN: nodes.map((x) => x / 1e4) }, worstErrorPercent: 0.3 });
  }
  store.saveSettings(new Map(Array.from({ length: 32 }, (_, i) => [`setting_${i}`, 'v'.repeat(128)] as [string, string])));
  let stored = 0;
  for (; stored < 100; stored++) {
    const name = `p${String(stored).padStart(31, '0')}`;
    const program = programOfSize(name, 8192);
    while (encodeProgram(program).length < 8192) program.description += 'x';
    while (encodeProgram(program).length > 8192) program.description = (program.description as string).slice(0, -1);
    assert.is(encodeProgram(program).length, 8192);
    try {
      store.saveProgram(program);
    } catch (error) {
      assert.instance(error, StoreFullError);
      break;
    }
  }
  assert.ok(stored >= 32, `${stored} programs of 8192 B`);
  const again = new PressStore(flash, storeLayout(flash));
  again.mount();
  assert.is(again.programNames().length, stored);
  assert.is(again.calibrationHistory().length, MAX_CALIBRATION_HISTORY);
  assert.is(again.settings().size, 32);
  console.log(`    capacity: ${stored} programs of 8192 B, with ${MAX_CALIBRATION_HISTORY} calibrations and 32 settings`);
});

const calibrationArbitrary: fc.Arbitrary<CalibrationRecord> = fc
  .record({
    dateS: fc.double({ min: 0, max: 4e9, noNaN: true }),
    reference: fc.string({ unit: 'grapheme', maxLength: 64 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s) && [...s].length <= 64),
    // The plausible ranges calibrationRecordError accepts: the converter's ±2^23 counts, spans 1e-9 to 1 kN per count.
    tareCounts: fc.double({ min: -(2 ** 23), max: 2 ** 23, noNaN: true }),
    kNPerCount: fc.double({ min: 1e-9, max: 1, noNaN: true }),
    nodes: fc.uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 11 }),
    worstErrorPercent: fc.oneof(fc.constant(NaN), fc.double({ min: 0, max: 100, noNaN: true })),
  })
  .map(({ dateS, reference, tareCounts, kNPerCount, nodes, worstErrorPercent }) => {
    const at = Float64Array.from([...new Set(nodes.map((x) => (Object.is(x, -0) ? 0 : x)))].sort((a, b) => a - b));
    const calibration = at.length === 0 ? { tareCounts, kNPerCount } : { tareCounts, kNPerCount, correctionAtKN: at, correctionKN: at.map((x) => x / 1000) };
    return { dateS, reference, calibration, worstErrorPercent };
  });

test('property: calibration histories round-trip exactly; damaged bytes give an error, never a throw', () => {
  fc.assert(
    fc.property(fc.array(calibrationArbitrary, { maxLength: MAX_CALIBRATION_HISTORY }), fc.nat(), fc.nat(255), (records, at, value) => {
      const bytes = encodeCalibrationHistory(records);
      const decoded = decodeCalibrationHistory(bytes);
      assert.ok(decoded.ok);
      assert.equal(decoded.records, records);
      const damaged = bytes.slice();
      damaged[at % damaged.length] = value;
      const result = decodeCalibrationHistory(damaged.subarray(0, damaged.length - (at % 3)));
      if (!result.ok) assert.match(result.error, /^byte \d+: /);
    }),
    { numRuns: 500, seed: 5 },
  );
});

test('property: settings round-trip exactly; damaged bytes give an error, never a throw', () => {
  const settingsArbitrary = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.]{0,31}$/), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 40 }).filter((s) => s.length * 3 <= 128)), { maxKeys: 32 });
  fc.assert(
    fc.property(settingsArbitrary, fc.nat(), fc.nat(255), (object, at, value) => {
      const settings = new Map(Object.entries(object));
      const bytes = encodeSettings(settings);
      const decoded = decodeSettings(bytes);
      assert.ok(decoded.ok);
      assert.equal(decoded.settings, settings);
      const damaged = bytes.slice();
      damaged[at % damaged.length] = value;
      const result = decodeSettings(damaged);
      if (!result.ok) assert.match(result.error, /^byte \d+: /);
    }),
    { numRuns: 500, seed: 6 },
  );
});

test.run();
