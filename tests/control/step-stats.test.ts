import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepStats, errorBin, errorBinUpperMPa } from '../../src/runner/step-stats';

test('the p99 histogram: 1 kPa bins below 2.048 MPa, 8 kPa bins to 10.24 MPa, one bin beyond', () => {
  assert.is(errorBin(0), 0);
  assert.is(errorBin(0.0005), 0);
  assert.is(errorBin(0.0015), 1);
  assert.is(errorBin(2.0479), 2047);
  assert.is(errorBin(2.048), 2048);
  assert.is(errorBin(2.0559), 2048);
  assert.is(errorBin(2.0561), 2049);
  assert.is(errorBin(10.2399), 3071);
  assert.is(errorBin(10.24), 3072);
  assert.is(errorBin(1e9), 3072);
  assert.is(errorBinUpperMPa(0), 0.001);
  assert.ok(Math.abs(errorBinUpperMPa(2047) - 2.048) < 1e-12);
  assert.ok(Math.abs(errorBinUpperMPa(2048) - 2.056) < 1e-12);
  assert.ok(Math.abs(errorBinUpperMPa(3071) - 10.24) < 1e-9);
  assert.is(errorBinUpperMPa(3072), Infinity);
});

function p99Of(errorsMPa: number[]): number {
  const stats = new StepStats(1);
  stats.begin(0, 0, 100, true);
  errorsMPa.forEach((e, i) => stats.sample(i * 0.01, 100 + (i % 2 === 0 ? e : -e), 100, 1));
  stats.end();
  return stats.errorP99MPa[0];
}

test('p99 of a hold: the upper edge of the bin holding the 99th percentile', () => {
  const small = Array.from({ length: 1000 }, (_, i) => (i < 990 ? 0.2 : 0.5));
  assert.ok(Math.abs(p99Of(small) - 0.201) < 1e-9, String(p99Of(small)));
  const large = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 0.1 : 5.0001));
  assert.ok(Math.abs(p99Of(large) - 5.008) < 1e-9, String(p99Of(large)));
  const beyond = Array.from({ length: 100 }, () => 50);
  assert.is(p99Of(beyond), Infinity);
});

test('share in band: the error-tracked samples within the band, in permille rounded down', () => {
  const stats = new StepStats(2);
  stats.begin(0, 0, 0, false);
  // The approach (before trackErrorFromNow) counts for neither the share nor the p99.
  for (let i = 0; i < 50; i++) stats.sample(i * 0.01, 50, 100, 0.5);
  stats.trackErrorFromNow();
  for (let i = 0; i < 1000; i++) stats.sample(1 + i * 0.01, i < 813 ? 100.5 : 99.2, 100, 0.5);
  stats.end();
  assert.is(stats.inBandPermille[0], 813);
  assert.ok(Math.abs(stats.errorP99MPa[0] - 0.8) < 1e-6 || Math.abs(stats.errorP99MPa[0] - 0.801) < 1e-6, String(stats.errorP99MPa[0]));
  // A step that tracks no error keeps no share.
  stats.begin(1, 20, 0, false);
  stats.sample(20, 3, 100, 0.5);
  stats.end();
  assert.is(stats.inBandPermille[1], 0);
  assert.ok(Number.isNaN(stats.errorP99MPa[1]));
});

test('the figures of a step still running, before it ends', () => {
  const stats = new StepStats(1);
  stats.begin(0, 0, 100, true);
  for (let i = 0; i < 100; i++) stats.sample(i * 0.01, i < 95 ? 100 : 101, 100, 0.5);
  stats.refresh();
  assert.is(stats.inBandPermille[0], 950);
  for (let i = 0; i < 100; i++) stats.sample(1 + i * 0.01, 101, 100, 0.5);
  stats.end();
  assert.is(stats.inBandPermille[0], 475);
});

test.run();
