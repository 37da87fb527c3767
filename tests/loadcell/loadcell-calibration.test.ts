import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { CalibrationPoint, LoadCellCalibration } from '../../src/loadcell/calibration';
import { MAX_CALIBRATION_POINTS, calibrateMultiPoint, countsToKN, indicationErrors, iso7500Class, meanCounts, span, tare } from '../../src/loadcell/calibration';
import { SimLoadCellAdc } from '../../host-sim/hal/sim-loadcell-adc';
import { SENSOR_PRESETS, TYPICAL_NONLINEARITY_FS } from '../../host-sim/physics/sensors';
import { SeededRandom } from '../../host-sim/physics/rng';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

/** 1 to 10 distinct loads (0.01 kN steps up to 1000 kN) plus the zero point, in random order. */
const loadsKN = fc
  .uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: MAX_CALIBRATION_POINTS - 1 })
  .map((hundredths) => [0, ...hundredths.map((h) => h / 100)]);
/** Counts per kN of either sign (a cell wired either way), 10 to 100 000 in magnitude. */
const gainCountsPerKN = fc.tuple(fc.double({ min: 10, max: 100_000, noNaN: true }), fc.boolean()).map(([g, negative]) => (negative ? -g : g));
const offsetCounts = fc.double({ min: -4e6, max: 4e6, noNaN: true });

test('tare and single-point span: the existing bench procedure', () => {
  const tared = tare({ tareCounts: 0, kNPerCount: 1 }, 12_000);
  assert.equal(tared, { tareCounts: 12_000, kNPerCount: 1 });
  const spanned = span(tared, 50, 12_000 + 2_147_484);
  near(spanned.kNPerCount, 50 / 2_147_484, 1e-18, 'kN per count');
  near(countsToKN(spanned, 12_000 + 2_147_484 / 2), 25, 1e-12, '25 kN');
  assert.is(countsToKN(spanned, 12_000), 0);
  assert.throws(() => span(tared, 50, 12_000), /span: reference 50 kN at 0 counts above tare/);
  assert.throws(() => span(tared, -5, 20_000), /span: reference -5 kN/);
  assert.throws(() => tare(tared, NaN), /tare: mean unloaded counts NaN is not a finite number/);
  assert.is(meanCounts([10, 11, 12, 13]), 11.5);
  assert.throws(() => meanCounts([]), /meanCounts: no samples/);
  assert.throws(() => meanCounts([1, 2, Infinity]), /meanCounts: samples\[2\] is Infinity/);
});

test('a re-tare keeps the linearity correction; a new single-point span drops it', () => {
  const { calibration } = calibrateMultiPoint([
    { counts: 1000, referenceKN: 0 },
    { counts: 11_010, referenceKN: 10 },
    { counts: 21_000, referenceKN: 20 },
  ]);
  assert.ok(calibration.correctionKN !== undefined && calibration.correctionKN.some((c) => c !== 0));
  const reading = countsToKN(calibration, 11_010);
  const retared = tare(calibration, 1500);
  assert.is(retared.correctionKN, calibration.correctionKN);
  near(countsToKN(retared, 11_510), reading, 1e-12, 'the same load after the zero moved by 500 counts');
  const respanned = span(retared, 20, 21_500);
  assert.is(respanned.correctionKN, undefined);
  assert.is(respanned.correctionAtKN, undefined);
});

test('property: a linear cell with any gain and offset, calibrated from any points, is recovered exactly', () => {
  fc.assert(
    fc.property(gainCountsPerKN, offsetCounts, loadsKN, fc.double({ min: 0, max: 1000, noNaN: true }), (gain, offset, loads, probeKN) => {
      const points = loads.map((kN) => ({ counts: offset + gain * kN, referenceKN: kN }));
      const result = calibrateMultiPoint(points);
      const cal = result.calibration;
      const fullKN = Math.max(...loads);
      assert.is(cal.tareCounts, offset);
      near(cal.kNPerCount * gain, 1, 1e-9, 'kN per count × counts per kN');
      for (let i = 0; i < cal.correctionKN!.length; i++) near(cal.correctionKN![i], 0, 1e-9 * fullKN, `correction ${i}`);
      near(result.linearityErrorPercentFS, 0, 1e-7, 'linearity error');
      assert.is(result.spanErrors.iso7500Class, 0.5);
      near(countsToKN(cal, offset + gain * probeKN), probeKN, 1e-9 * Math.max(fullKN, probeKN), `reading at ${probeKN} kN`);
    }),
    { numRuns: 300 },
  );
});

test('property: the correction table reproduces every calibration point of a non-linear cell, in any order', () => {
  // Any monotonic cell: counts rise (or fall) by a random positive amount per load step.
  const cell = fc.tuple(loadsKN, fc.array(fc.double({ min: 1, max: 1e5, noNaN: true }), { minLength: MAX_CALIBRATION_POINTS, maxLength: MAX_CALIBRATION_POINTS }), offsetCounts, fc.boolean());
  fc.assert(
    fc.property(cell, fc.integer({ min: 0, max: 1e9 }), ([loads, increments, offset, falling], shuffleSeed) => {
      const sorted = [...loads].sort((a, b) => a - b);
      let counts = offset;
      const points: CalibrationPoint[] = sorted.map((kN, i) => {
        if (i > 0) counts += falling ? -increments[i] : increments[i];
        return { counts, referenceKN: kN };
      });
      const shuffled = [...points];
      const random = new SeededRandom(shuffleSeed);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const cal = calibrateMultiPoint(shuffled).calibration;
      const fullKN = sorted[sorted.length - 1];
      for (const p of points) near(countsToKN(cal, p.counts), p.referenceKN, 1e-9 * fullKN, `point at ${p.referenceKN} kN`);
      assert.equal(Array.from(calibrateMultiPoint(points).calibration.correctionKN!), Array.from(cal.correctionKN!), 'order does not matter');
      assert.is(cal.correctionAtKN!.length, points.length);
      assert.is(cal.correctionKN![0], 0, 'the zero point is the tare: no correction there');
      // Between and beyond the points the corrected reading still rises with the load.
      const first = points[0].counts;
      const last = points[points.length - 1].counts;
      let previous = -Infinity;
      for (let k = -10; k <= 110; k++) {
        const kN = countsToKN(cal, first + ((last - first) * k) / 100);
        assert.ok(kN >= previous - 1e-9 * fullKN, `reading falls at ${k} % of the span`);
        previous = kN;
      }
    }),
    { numRuns: 300 },
  );
});

test('bad calibration input: RangeErrors name the point and the value', () => {
  const cases: [CalibrationPoint[], RegExp][] = [
    [[{ counts: 0, referenceKN: 0 }], /at least 2 points .* got 1/],
    [[], /at least 2 points .* got 0/],
    [Array.from({ length: 12 }, (_, i) => ({ counts: i * 100, referenceKN: i })), /at most 11 points, got 12/],
    [[{ counts: 0, referenceKN: 0 }, { counts: NaN, referenceKN: 10 }], /points\[1\]\.counts: NaN is not a finite number/],
    [[{ counts: 0, referenceKN: 0 }, { counts: 100, referenceKN: Infinity }], /points\[1\]\.referenceKN: Infinity is not a finite number/],
    [[{ counts: 0, referenceKN: 0 }, { counts: 100, referenceKN: -5 }], /points\[1\]\.referenceKN: -5 is negative/],
    [[{ counts: 0, referenceKN: 0 }, { counts: 100, referenceKN: 10 }, { counts: 100, referenceKN: 20 }], /points\[2\]\.counts: 100 duplicates points\[1\]\.counts \(10 kN\)/],
    [[{ counts: 0, referenceKN: 0 }, { counts: 100, referenceKN: 10 }, { counts: 150, referenceKN: 10 }], /points\[2\]\.referenceKN: 10 kN duplicates points\[1\]/],
    [[{ counts: 50, referenceKN: 5 }, { counts: 100, referenceKN: 10 }], /needs a zero-load point/],
    [[{ counts: 0, referenceKN: 0 }, { counts: 300, referenceKN: 30 }, { counts: 350, referenceKN: 20 }, { counts: 100, referenceKN: 10 }], /points\[1\]\.counts: 300 at 30 kN does not continue the trend of points\[2\] \(350 at 20 kN\)/],
    [[{ counts: 0, referenceKN: 0 }, { counts: -100, referenceKN: 10 }, { counts: 50, referenceKN: 20 }], /points\[1\]\.counts: -100 at 10 kN does not continue the trend of points\[0\]/],
  ];
  for (const [points, message] of cases) assert.throws(() => calibrateMultiPoint(points), (e: unknown) => e instanceof RangeError && message.test(e.message), String(message));
  assert.throws(() => indicationErrors({ tareCounts: 0, kNPerCount: 1 }, [{ counts: 0, referenceKN: 0 }]), /no point with a load/);
});

test('ISO 7500-1 classes from the relative accuracy error q', () => {
  assert.is(iso7500Class(0), 0.5);
  assert.is(iso7500Class(0.5), 0.5);
  assert.is(iso7500Class(0.5001), 1);
  assert.is(iso7500Class(1), 1);
  assert.is(iso7500Class(1.7), 2);
  assert.is(iso7500Class(3), 3);
  assert.is(iso7500Class(3.01), null);
  // A cell reading 0.8 % high at 10 kN and 0.2 % low at 20 kN is class 1, worst at point 1.
  const cal: LoadCellCalibration = { tareCounts: 0, kNPerCount: 0.001 };
  const errors = indicationErrors(cal, [
    { counts: 0, referenceKN: 0 },
    { counts: 10_080, referenceKN: 10 },
    { counts: 19_960, referenceKN: 20 },
  ]);
  assert.ok(Number.isNaN(errors.errorsPercent[0]));
  near(errors.errorsPercent[1], 0.8, 1e-9, 'q at 10 kN');
  near(errors.errorsPercent[2], -0.2, 1e-9, 'q at 20 kN');
  assert.is(errors.worstIndex, 1);
  near(errors.worstPercent, 0.8, 1e-9, 'worst');
  assert.is(errors.iso7500Class, 1);
  // 3.5 % off somewhere: no class.
  assert.is(indicationErrors(cal, [{ counts: 10_350, referenceKN: 10 }]).iso7500Class, null);
});

/** The simulated 50 kN cell on an ADS1220, quiet (no noise, no drift), uncorrected: the typical 0.03 % FS bow. */
function simulatedCounts(forceKN: number): number {
  const params = { ...SENSOR_PRESETS['ads1220-330sps'], noiseRmsN: 0, driftNPerHour: 0, nonlinearityFS: TYPICAL_NONLINEARITY_FS };
  const adc = new SimLoadCellAdc(params, new SeededRandom(1));
  let counts = NaN;
  for (let t = 1000; t <= 50_000; t += 1000) {
    adc.integrate(forceKN * 1000, 1000, t);
    while (adc.poll()) counts = adc.counts;
  }
  return counts;
}

test('the simulated cell: a 6-point calibration corrects its 0.03 % FS bow at intermediate forces', () => {
  assert.is(TYPICAL_NONLINEARITY_FS, 0.0003);
  const points = [0, 10, 20, 30, 40, 50].map((kN) => ({ counts: simulatedCounts(kN), referenceKN: kN }));
  const result = calibrateMultiPoint(points);
  // The least-squares line through the tare splits the 0.03 % FS bow: measured 0.022 % FS.
  assert.ok(result.linearityErrorPercentFS > 0.015 && result.linearityErrorPercentFS < 0.03, `linearity ${result.linearityErrorPercentFS} % FS`);
  assert.is(result.spanErrors.iso7500Class, 0.5);
  const endPoint = span(tare({ tareCounts: 0, kNPerCount: 1 }, points[0].counts), 50, points[5].counts);
  const relativePercent = (cal: LoadCellCalibration, kN: number) => (100 * Math.abs(countsToKN(cal, simulatedCounts(kN)) - kN)) / kN;
  // Measured: end-point 0.084, 0.060, 0.036 %; corrected 0.0040, 0.0024, 0.0017 % of reading.
  const uncorrectedFloor: Record<number, number> = { 15: 0.07, 25: 0.05, 35: 0.03 };
  for (const kN of [15, 25, 35]) {
    const uncorrected = relativePercent(endPoint, kN);
    const corrected = relativePercent(result.calibration, kN);
    assert.ok(uncorrected > uncorrectedFloor[kN], `${kN} kN: end-point calibration off by only ${uncorrected} %`);
    assert.ok(corrected < 0.006, `${kN} kN: corrected calibration off by ${corrected} %`);
    assert.ok(corrected * 10 < uncorrected, `${kN} kN: ${corrected} % is not a tenth of ${uncorrected} %`);
  }
});

test.run();
