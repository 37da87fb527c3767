import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AdcError } from '../../hal/loadcell-adc';
import { SimLoadCellAdc } from '../../host-sim/hal/sim-loadcell-adc';
import type { LoadCellSensorParams } from '../../host-sim/hal/sim-loadcell-adc';
import { ADS1220_330SPS_50KN, SENSOR_PRESETS, TYPICAL_NONLINEARITY_FS } from '../../host-sim/physics/sensors';
import { SeededRandom } from '../../host-sim/physics/rng';

const PRESET_NAMES = ['hx711-10sps', 'hx711-80sps', 'ads1220-20sps', 'ads1220-330sps', 'ads1220-1000sps', 'ads1220-2000sps'];

interface Sample {
  counts: number;
  timeMs: number;
}

function adcFor(name: string, seed = 1, overrides: Partial<LoadCellSensorParams> = {}): SimLoadCellAdc {
  return new SimLoadCellAdc({ ...SENSOR_PRESETS[name], ...overrides }, new SeededRandom(seed));
}

/** The ideal converter on an ideal cell: no noise, no drift, no non-linearity, so every code is exact. */
function quietAdcFor(name: string, overrides: Partial<LoadCellSensorParams> = {}): SimLoadCellAdc {
  return adcFor(name, 1, { noiseRmsN: 0, driftNPerHour: 0, nonlinearityFS: 0, ...overrides });
}

/**
 * Integrates from fromUs to toUs in dtUs steps, the step ending at t carrying force(t), and
 * polls after every step as the firmware does. Returns the samples read.
 */
function run(adc: SimLoadCellAdc, fromUs: number, toUs: number, dtUs: number, force: (tUs: number) => number, poll = true): Sample[] {
  const samples: Sample[] = [];
  for (let t = fromUs + dtUs; t <= toUs; t += dtUs) {
    adc.integrate(force(t), dtUs, t);
    while (poll && adc.poll()) samples.push({ counts: adc.counts, timeMs: adc.sampleTimeMs });
  }
  return samples;
}

/** Noise of a sample sequence, N rms, from successive differences (blind to slow drift). */
function noiseRmsN(samples: Sample[], countsPerN: number): number {
  let sum = 0;
  for (let i = 1; i < samples.length; i++) {
    const d = (samples[i].counts - samples[i - 1].counts) / countsPerN;
    sum += d * d;
  }
  return Math.sqrt(sum / (samples.length - 1) / 2);
}

test('the presets: names, one-line descriptions, and the default keeps its numbers', () => {
  assert.equal(Object.keys(SENSOR_PRESETS).sort(), [...PRESET_NAMES].sort());
  for (const name of PRESET_NAMES) {
    const p = SENSOR_PRESETS[name];
    assert.is(p.name, name);
    assert.ok(p.describe.length > 10 && !p.describe.includes('\n'), `${name}: describe`);
    assert.is(p.capacityN, 50000);
    assert.is(p.safeOverloadN, 75000);
  }
  assert.is(SENSOR_PRESETS['ads1220-330sps'], ADS1220_330SPS_50KN);
  assert.is(ADS1220_330SPS_50KN.sampleRateSps, 330);
  assert.is(ADS1220_330SPS_50KN.offsetCounts, 12000);
  assert.is(ADS1220_330SPS_50KN.countsPerN, (0.002 * 128 * 8388608) / 50000);
  assert.is(ADS1220_330SPS_50KN.noiseRmsN, 1.5);
  assert.is(ADS1220_330SPS_50KN.fullScaleCounts, 8388607);
  // HX711: ±0.5·AVDD/128 input range is half the ADS1220's ±VREF/128 at the same excitation.
  assert.ok(Math.abs(SENSOR_PRESETS['hx711-10sps'].countsPerN / ADS1220_330SPS_50KN.countsPerN - 2) < 1e-12);
  // Noise rises with the data rate on each converter.
  const ads = ['ads1220-20sps', 'ads1220-330sps', 'ads1220-1000sps', 'ads1220-2000sps'].map((n) => SENSOR_PRESETS[n].noiseRmsN);
  for (let i = 1; i < ads.length; i++) assert.ok(ads[i] > ads[i - 1], `ADS1220 noise ${ads}`);
  assert.ok(SENSOR_PRESETS['hx711-80sps'].noiseRmsN > SENSOR_PRESETS['hx711-10sps'].noiseRmsN);
  // The HX711 filter lags: its latency is longer than a conversion period; the ADS1220's is not.
  assert.ok(SENSOR_PRESETS['hx711-10sps'].latencyUs > 1e5 && SENSOR_PRESETS['ads1220-2000sps'].latencyUs < 500);
});

test('every preset: measured noise at constant force is within ±15 % of its noiseRmsN', () => {
  for (const name of PRESET_NAMES) {
    const p = SENSOR_PRESETS[name];
    const adc = adcFor(name, 7);
    const seconds = 4000 / p.sampleRateSps;
    const samples = run(adc, 0, Math.ceil(seconds * 1e6 / 10000) * 10000, 10000, () => 20000);
    assert.ok(samples.length >= 3990, `${name}: ${samples.length} samples`);
    const rms = noiseRmsN(samples, p.countsPerN);
    assert.ok(Math.abs(rms / p.noiseRmsN - 1) < 0.15, `${name}: measured ${rms.toFixed(3)} N rms, preset ${p.noiseRmsN}`);
    // And the level is right: 20 kN on top of the offset (drift over this run is < 2 N).
    const mean = samples.reduce((s, x) => s + x.counts, 0) / samples.length;
    assert.ok(Math.abs((mean - p.offsetCounts) / p.countsPerN - 20000) < 2, `${name}: mean ${(mean - p.offsetCounts) / p.countsPerN} N`);
  }
});

test('every preset: conversions per simulated second equal the sample rate', () => {
  for (const name of PRESET_NAMES) {
    const p = SENSOR_PRESETS[name];
    const samples = run(adcFor(name), 0, 3e6, 1000, () => 1000);
    const inSecond = samples.filter((s) => s.timeMs >= 1000 && s.timeMs < 2000).length;
    assert.ok(Math.abs(inSecond - p.sampleRateSps) <= 1, `${name}: ${inSecond} conversions in 1 s at ${p.sampleRateSps} SPS`);
  }
});

test('every preset: a force step appears no earlier than the latency and is complete after one window + latency', () => {
  const stepN = 10000;
  for (const name of PRESET_NAMES) {
    const p = SENSOR_PRESETS[name];
    const periodUs = 1e6 / p.sampleRateSps;
    // The step lands 37 % into a conversion window (on the 10 µs integration grid).
    const stepUs = Math.round((1e6 + 0.37 * periodUs) / 10) * 10;
    const adc = quietAdcFor(name);
    const samples = run(adc, 0, stepUs + 3 * periodUs + p.latencyUs, 10, (t) => (t > stepUs ? stepN : 0));
    const before = p.offsetCounts;
    const after = p.offsetCounts + Math.round(stepN * p.countsPerN);
    const firstChanged = samples.find((s) => s.counts !== before);
    assert.ok(firstChanged !== undefined, `${name}: the step never shows`);
    const firstChangedUs = firstChanged.timeMs * 1000;
    assert.ok(firstChangedUs > stepUs + p.latencyUs, `${name}: step at ${stepUs} µs shows at ${firstChangedUs} µs, latency ${p.latencyUs}`);
    assert.ok(firstChangedUs <= stepUs + periodUs + p.latencyUs + 1e-6, `${name}: first change at ${firstChangedUs} µs is late`);
    for (const s of samples) {
      const tUs = s.timeMs * 1000;
      if (tUs <= stepUs + p.latencyUs) assert.is(s.counts, before, `${name}: sample at ${tUs} µs moved before the latency`);
      if (tUs >= stepUs + periodUs + p.latencyUs - 1e-6) assert.is(s.counts, after, `${name}: sample at ${tUs} µs not settled`);
    }
    // The conversion whose window holds the step reports the window mean: 63 % of the step.
    const windowEndUs = firstChangedUs - p.latencyUs;
    const expected = p.offsetCounts + Math.round(stepN * ((windowEndUs - stepUs) / periodUs) * p.countsPerN);
    assert.ok(Math.abs(firstChanged.counts - expected) <= 1, `${name}: partial ${firstChanged.counts}, expected ${expected}`);
    assert.ok(firstChanged.counts > before && firstChanged.counts < after, `${name}: the straddling window is a partial value`);
  }
});

test('a physics step spanning many conversions yields each of them, with its own window and end time', () => {
  for (const name of ['ads1220-2000sps', 'ads1220-1000sps', 'hx711-80sps']) {
    const p = SENSOR_PRESETS[name];
    const periodUs = 1e6 / p.sampleRateSps;
    // Force changes every 10 ms: the same profile integrated in 10 ms steps and in 100 µs steps.
    const force = (t: number) => 3000 * (Math.floor((t - 1) / 10000) % 7);
    const coarse = adcFor(name, 3);
    const fine = adcFor(name, 3);
    const coarseSamples: Sample[] = [];
    for (let t = 10000; t <= 500000; t += 10000) {
      coarse.integrate(force(t), 10000, t);
      while (coarse.poll()) coarseSamples.push({ counts: coarse.counts, timeMs: coarse.sampleTimeMs });
      // Every conversion whose DRDY time has come is out at the end of the step.
      const due = Math.max(0, Math.floor((t - p.latencyUs) / periodUs + 1e-9));
      assert.is(coarseSamples.length, due, `${name}: ${coarseSamples.length} conversions by ${t} µs, ${due} due`);
    }
    const fineSamples = run(fine, 0, 500000, 100, force);
    assert.is(coarseSamples.length, fineSamples.length);
    for (let i = 0; i < coarseSamples.length; i++) {
      const k = i + 1;
      assert.ok(Math.abs(coarseSamples[i].timeMs * 1000 - (k * periodUs + p.latencyUs)) < 1e-6, `${name}: conversion ${k} at ${coarseSamples[i].timeMs} ms`);
      assert.is(coarseSamples[i].timeMs, fineSamples[i].timeMs);
      assert.ok(Math.abs(coarseSamples[i].counts - fineSamples[i].counts) <= 1, `${name}: conversion ${k}: ${coarseSamples[i].counts} vs ${fineSamples[i].counts}`);
    }
    // The samples follow the force blocks: not all the same.
    assert.ok(new Set(coarseSamples.map((s) => Math.round(s.counts / 10000))).size >= 5);
  }
});

test('the cell is flat beyond its safe overload; the ADC clips at full scale and latches saturated until clearError()', () => {
  const p = SENSOR_PRESETS['ads1220-330sps'];
  const at50k = run(quietAdcFor('ads1220-330sps'), 0, 0.05e6, 1000, () => 50000).pop()!.counts;
  assert.is(at50k, p.offsetCounts + Math.round(50000 * p.countsPerN));
  const flat = p.offsetCounts + Math.round(75000 * p.countsPerN);
  for (const forceN of [75000, 100000, 500000]) {
    const adc = quietAdcFor('ads1220-330sps');
    const last = run(adc, 0, 0.05e6, 1000, () => forceN).pop()!;
    assert.is(last.counts, flat, `${forceN} N`);
    assert.is(adc.error, AdcError.none, 'a 150 % cell stays inside the converter range');
  }
  const tension = run(quietAdcFor('ads1220-330sps'), 0, 0.05e6, 1000, () => -200000).pop()!;
  assert.is(tension.counts, p.offsetCounts - Math.round(75000 * p.countsPerN));

  // A converter whose offset sits near the top clips.
  const adc = quietAdcFor('ads1220-330sps', { offsetCounts: 8_300_000 });
  let samples = run(adc, 0, 0.1e6, 1000, () => 10000);
  assert.is(samples[samples.length - 1].counts, 8388607);
  assert.is(adc.error, AdcError.saturated);
  samples = run(adc, 0.1e6, 0.2e6, 1000, () => 0);
  assert.is(samples[samples.length - 1].counts, 8_300_000, 'back inside the range');
  assert.is(adc.error, AdcError.saturated, 'sticky');
  adc.clearError();
  run(adc, 0.2e6, 0.3e6, 1000, () => 0);
  assert.is(adc.error, AdcError.none, 'cleared, and unclipped codes do not set it again');

  const negative = quietAdcFor('hx711-80sps', { offsetCounts: -8_300_000 });
  samples = run(negative, 0, 0.2e6, 1000, () => -10000);
  assert.is(samples[samples.length - 1].counts, -8388607);
  assert.is(negative.error, AdcError.saturated);

  // Noise alone can drive a code to the rail (a broken connector).
  const noisy = adcFor('ads1220-330sps', 5, { offsetCounts: 8_000_000 });
  noisy.setNoiseFactor(5000);
  samples = run(noisy, 0, 0.1e6, 1000, () => 0);
  assert.ok(samples.every((s) => Math.abs(s.counts) <= 8388607));
  assert.ok(samples.some((s) => s.counts === 8388607));
  assert.is(noisy.error, AdcError.saturated);
});

test('non-linearity: the cell bows from its end-point line by nonlinearityFS · capacity at mid-scale', () => {
  const p = SENSOR_PRESETS['ads1220-330sps'];
  // The presets are cells whose bow the calibration removed; the typical uncorrected one is 0.03 % FS.
  for (const name of PRESET_NAMES) assert.is(SENSOR_PRESETS[name].nonlinearityFS, 0, name);
  assert.is(TYPICAL_NONLINEARITY_FS, 0.0003);
  const readN = (forceN: number, nonlinearityFS: number) => {
    const adc = quietAdcFor('ads1220-330sps', { nonlinearityFS });
    return (run(adc, 0, 0.05e6, 1000, () => forceN).pop()!.counts - p.offsetCounts) / p.countsPerN;
  };
  const quantumN = 0.5 / p.countsPerN;
  // Zero and capacity sit on the end-point line; mid-scale is 15 N (0.03 % of 50 kN) above it.
  assert.ok(Math.abs(readN(0, 0.0003)) <= quantumN);
  assert.ok(Math.abs(readN(50000, 0.0003) - 50000) <= quantumN);
  assert.ok(Math.abs(readN(25000, 0.0003) - 25015) <= quantumN, `${readN(25000, 0.0003)} N at 25 kN`);
  assert.ok(Math.abs(readN(10000, 0.0003) - 10009.6) <= quantumN, `${readN(10000, 0.0003)} N at 10 kN`);
  assert.ok(Math.abs(readN(25000, -0.0005) - 24975) <= quantumN, 'a negative bow reads low');
  assert.ok(Math.abs(readN(25000, 0) - 25000) <= quantumN);
  // Beyond the safe overload the cell stays flat, bow included.
  assert.is(readN(100000, 0.0003), readN(75000, 0.0003));
  assert.throws(() => quietAdcFor('ads1220-330sps', { nonlinearityFS: 0.2 }), /nonlinearityFS must be within ±0.1/);
  assert.throws(() => quietAdcFor('ads1220-330sps', { nonlinearityFS: NaN }), /nonlinearityFS/);
});

test('zero drift over 10 simulated hours stays inside its documented bound and is not zero', () => {
  for (const seed of [1, 2, 3]) {
    const adc = adcFor('hx711-10sps', seed);
    adc.setNoiseFactor(0);
    const p = adc.params;
    let maxAbsN = 0;
    let minN = Infinity;
    let maxN = -Infinity;
    let count = 0;
    for (let t = 1e6; t <= 10 * 3600e6; t += 1e6) {
      adc.integrate(0, 1e6, t);
      while (adc.poll()) {
        count++;
        const driftN = (adc.counts - p.offsetCounts) / p.countsPerN;
        const hours = adc.sampleTimeMs / 3.6e6;
        const bound = Math.min(p.driftNPerHour * hours, p.driftLimitN) + 0.5 / p.countsPerN + 1e-9;
        if (Math.abs(driftN) > bound) assert.unreachable(`seed ${seed}: drift ${driftN} N at ${hours} h exceeds ${bound} N`);
        maxAbsN = Math.max(maxAbsN, Math.abs(driftN));
        minN = Math.min(minN, driftN);
        maxN = Math.max(maxN, driftN);
      }
    }
    assert.ok(count >= 10 * 3600 * 10 - 2, `${count} conversions`);
    assert.ok(maxAbsN > 1, `seed ${seed}: drift never exceeded ${maxAbsN} N`);
    assert.ok(maxN - minN > 1, `seed ${seed}: drift range ${minN}..${maxN} N`);
    assert.ok(Math.abs(adc.driftN) <= p.driftLimitN);
  }
  // The drift path depends on the seed.
  const a = adcFor('ads1220-20sps', 1);
  const b = adcFor('ads1220-20sps', 2);
  for (const adc of [a, b]) run(adc, 0, 3600e6, 1e6, () => 0, false);
  assert.ok(a.driftN !== b.driftN);
});

test('disconnect(): no more conversions arrive, and after three missed ones the sticky timeout', () => {
  const adc = adcFor('ads1220-330sps', 11);
  const periodUs = adc.periodUs;
  const before = run(adc, 0, 1_000_500, 100, () => 5000);
  assert.ok(before.length >= 329);
  adc.disconnect();
  const disconnectUs = 1_000_500;
  let errorAtUs = -1;
  let arrived = 0;
  for (let t = disconnectUs + 100; t <= disconnectUs + 10 * periodUs; t += 100) {
    adc.integrate(5000, 100, t);
    while (adc.poll()) arrived++;
    if (errorAtUs < 0 && adc.error !== 0) errorAtUs = t;
  }
  assert.is(arrived, 0, 'DRDY never falls after disconnect');
  assert.is(adc.error, AdcError.timeout);
  assert.ok(errorAtUs > disconnectUs + 2 * periodUs, `timeout at ${errorAtUs - disconnectUs} µs after disconnect: too early`);
  assert.ok(errorAtUs <= disconnectUs + 3 * periodUs + adc.params.latencyUs + 100, `timeout at ${errorAtUs - disconnectUs} µs: too late`);
  adc.clearError();
  assert.is(adc.error, AdcError.none);
  run(adc, disconnectUs + 10 * periodUs, disconnectUs + 12 * periodUs, 100, () => 5000);
  assert.is(adc.error, AdcError.timeout, 'still disconnected: the timeout comes back');

  // A healthy converter never times out.
  const healthy = adcFor('ads1220-330sps', 11);
  run(healthy, 0, 2e6, 100, () => 5000);
  assert.is(healthy.error, AdcError.none);
});

test('stick(): conversions keep arriving at the sample rate, all carrying the last code', () => {
  const adc = adcFor('hx711-80sps', 4);
  const ramp = (t: number) => t / 100; // 10 kN/s
  const before = run(adc, 0, 1e6, 1000, ramp);
  const last = before[before.length - 1].counts;
  adc.stick();
  const after = run(adc, 1e6, 2.5e6, 1000, ramp);
  const inSecond = after.filter((s) => s.timeMs > 1200 && s.timeMs <= 2200).length;
  assert.ok(Math.abs(inSecond - 80) <= 1, `${inSecond} conversions in 1 s`);
  assert.ok(after.every((s) => s.counts === last), 'every code equals the last one before stick()');
  assert.ok(after[after.length - 1].timeMs > before[before.length - 1].timeMs + 1000);
  // Without the fault the same run moves by ≈ 15 kN.
  const free = adcFor('hx711-80sps', 4);
  const freeAfter = run(free, 0, 2.5e6, 1000, ramp);
  assert.ok(freeAfter[freeAfter.length - 1].counts - last > 10000 * free.params.countsPerN);
});

test('glitch(): exactly one conversion is off, by the amount given, then the codes are clean again', () => {
  const adc = quietAdcFor('ads1220-330sps');
  const p = adc.params;
  const level = p.offsetCounts + Math.round(20000 * p.countsPerN);
  const before = run(adc, 0, 0.1e6, 1000, () => 20000);
  assert.is(before[before.length - 1].counts, level);
  adc.glitch(1 << 18);
  const after = run(adc, 0.1e6, 0.2e6, 1000, () => 20000);
  assert.is(after[0].counts, level + (1 << 18));
  assert.ok(after.slice(1).every((s) => s.counts === level), 'one conversion only');
  assert.is(adc.error, AdcError.none);
  adc.glitch(-(1 << 24));
  run(adc, 0.2e6, 0.21e6, 1000, () => 20000);
  assert.is(adc.error, AdcError.saturated, 'a glitch past full scale clips');
  assert.throws(() => adc.glitch(0.5), /whole number/);
});

test('setNoiseFactor(20) multiplies the measured noise by 20', () => {
  for (const name of ['ads1220-330sps', 'hx711-80sps']) {
    const adc = adcFor(name, 9);
    const p = adc.params;
    const periodUs = 1e6 / p.sampleRateSps;
    const runUs = Math.ceil((3000 * periodUs) / 10000) * 10000;
    const normal = noiseRmsN(run(adc, 0, runUs, 10000, () => 20000), p.countsPerN);
    adc.setNoiseFactor(20);
    const loose = noiseRmsN(run(adc, runUs, 2 * runUs, 10000, () => 20000).slice(2), p.countsPerN);
    assert.ok(Math.abs(normal / p.noiseRmsN - 1) < 0.15, `${name}: ${normal}`);
    assert.ok(Math.abs(loose / (20 * p.noiseRmsN) - 1) < 0.15, `${name}: ${loose} N rms with factor 20`);
  }
  assert.throws(() => adcFor('ads1220-330sps').setNoiseFactor(-1));
});

test('the FIFO keeps the newest 64 conversions when the reader falls behind', () => {
  const adc = adcFor('ads1220-2000sps', 2);
  const p = adc.params;
  const periodUs = adc.periodUs;
  run(adc, 0, 100000, 1000, () => 1000, false);
  const due = Math.floor((100000 - p.latencyUs) / periodUs);
  assert.ok(due > 64, `${due} conversions`);
  const samples: Sample[] = [];
  while (adc.poll()) samples.push({ counts: adc.counts, timeMs: adc.sampleTimeMs });
  assert.is(samples.length, 64);
  assert.ok(Math.abs(samples[0].timeMs * 1000 - ((due - 63) * periodUs + p.latencyUs)) < 1e-6, `oldest kept at ${samples[0].timeMs} ms`);
  assert.ok(Math.abs(samples[63].timeMs * 1000 - (due * periodUs + p.latencyUs)) < 1e-6, `newest at ${samples[63].timeMs} ms`);
  for (let i = 1; i < 64; i++) assert.ok(Math.abs((samples[i].timeMs - samples[i - 1].timeMs) * 1000 - periodUs) < 1e-6);
  assert.not.ok(adc.poll());
});

test.run();
