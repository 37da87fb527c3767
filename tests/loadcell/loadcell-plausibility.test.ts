import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadCellCalibration } from '../../src/loadcell/calibration';
import type { LoadCellPipelineOptions } from '../../src/loadcell/pipeline';
import { LoadCellPipeline, SensorFault } from '../../src/loadcell/pipeline';
import { LoadCellPlausibility } from '../../src/loadcell/plausibility';
import { SafetySupervisor } from '../../src/safety/supervisor';
import { SafetyInputs } from '../../src/safety/safety-inputs';
import { FaultCode, faultMessage, faultName } from '../../src/safety/faults';
import { SimLoadCellAdc } from '../../host-sim/hal/sim-loadcell-adc';
import type { LoadCellSensorParams } from '../../host-sim/hal/sim-loadcell-adc';
import { SENSOR_PRESETS, TYPICAL_NONLINEARITY_FS } from '../../host-sim/physics/sensors';
import { SeededRandom } from '../../host-sim/physics/rng';
import { PLANT_PRESETS } from '../../host-sim/plants';
import { createDryRunSession, runSession } from '../../host-sim/scenario';
import type { DryRunSession } from '../../host-sim/scenario';
import type { FaultKind } from '../../host-sim/simulator';
import { program, repoRoot } from '../support/helpers';

const PRESET_NAMES = Object.keys(SENSOR_PRESETS);
const UNIT_CALIBRATION: LoadCellCalibration = Object.freeze({ tareCounts: 0, kNPerCount: 1 });

/**
 * The supervisor's check with no e-stop, no step limit, and output levels none of the
 * hydraulic checks judge (pump and release valve part-open): only the sensor and the limits count.
 * No raw counts (NaN): the checks on them through the commissioned calibration have tests of
 * their own (tests/loadcell/commissioned-guard.test.ts); these drive the cell past its capacity on purpose.
 */
const sensorInputs = Object.assign(new SafetyInputs(), { gapMs: 10, rawCounts: NaN, oilForceKN: NaN, stepLimitMPa: Infinity, drivenPumpLevel: 0.3, drivenReleaseLevel: 0.3 });
function sensorCheck(supervisor: SafetySupervisor, nowMs: number, pressureMPa: number, forceKN: number, sensorFault: number): boolean {
  sensorInputs.nowMs = nowMs;
  sensorInputs.pressureMPa = pressureMPa;
  sensorInputs.forceKN = forceKN;
  sensorInputs.sensorFault = sensorFault;
  return supervisor.check(sensorInputs);
}

/** A simulated cell and converter read by the pipeline at 100 Hz, the supervisor after it. */
class Rig {
  readonly adc: SimLoadCellAdc;
  readonly pipeline: LoadCellPipeline;
  readonly supervisor: SafetySupervisor;
  nowUs = 0;
  /** The true force at the tick the first fault latched, N (NaN while none). */
  faultAtN = NaN;
  faultAtMs = NaN;

  constructor(
    readonly params: LoadCellSensorParams,
    options: LoadCellPipelineOptions = {},
    calibration: LoadCellCalibration = { tareCounts: params.offsetCounts, kNPerCount: 1 / (params.countsPerN * 1000) },
    seed = 1,
  ) {
    this.adc = new SimLoadCellAdc(params, new SeededRandom(seed));
    this.supervisor = new SafetySupervisor(98, params.capacityN / 1000, 30, calibration); // the 10 t frame
    this.pipeline = new LoadCellPipeline(this.adc, calibration, 78.54, 250, { capacityKN: params.capacityN / 1000, safeOverloadKN: params.safeOverloadN / 1000, ...options });
  }

  /**
   * 1 ms physics steps, each carrying the force at its midpoint (so a ramp's window means
   * are exact); a tick every 10 ms. onTick may return true to stop.
   */
  drive(untilUs: number, forceN: (tUs: number) => number, onTick?: () => boolean | void): void {
    while (this.nowUs < untilUs) {
      this.nowUs += 1000;
      this.adc.integrate(forceN(this.nowUs - 500), 1000, this.nowUs);
      if (this.nowUs % 10_000 !== 0) continue;
      const nowMs = this.nowUs / 1000;
      const cell = this.pipeline;
      cell.update(nowMs);
      if (sensorCheck(this.supervisor, nowMs, cell.pressureMPa, cell.forceKN, cell.fault) && this.faultAtN !== this.faultAtN) {
        this.faultAtN = forceN(this.nowUs);
        this.faultAtMs = nowMs;
      }
      if (onTick !== undefined && onTick() === true) return;
    }
  }

  get fault(): number {
    return this.supervisor.latchedFault;
  }
}

const preset = (name: string, overrides: Partial<LoadCellSensorParams> = {}): LoadCellSensorParams => ({ ...SENSOR_PRESETS[name], ...overrides });
const quiet = (name: string, overrides: Partial<LoadCellSensorParams> = {}) => preset(name, { noiseRmsN: 0, driftNPerHour: 0, nonlinearityFS: 0, ...overrides });

test('limits: defaults from the cell capacity, and off when the pipeline is not told the cell', () => {
  const p = new LoadCellPlausibility(330, { capacityKN: 50 });
  assert.is(p.rangeLowKN, -1);
  assert.is(p.rangeHighKN, 74);
  assert.is(p.maxRateKNPerS, 100);
  assert.is(p.maxStepKN, 2.5);
  assert.is(p.stuckLimit, 83, '0.25 s at 330 SPS');
  assert.is(new LoadCellPlausibility(20, { capacityKN: 50 }).stuckLimit, 50);
  assert.is(new LoadCellPlausibility(10).stuckLimit, 50);
  assert.is(new LoadCellPlausibility(2000).stuckLimit, 500);
  assert.is(new LoadCellPlausibility(20, { stuckConversions: 8, stuckMinMs: 0 }).stuckLimit, 8);
  const explicit = new LoadCellPlausibility(330, { capacityKN: 400, safeOverloadKN: 600, rangeLowKN: -3, maxRateKNPerS: 50, maxStepKN: 1 });
  assert.equal([explicit.rangeLowKN, explicit.rangeHighKN, explicit.maxRateKNPerS, explicit.maxStepKN], [-3, 592, 50, 1]);
  p.configure({});
  assert.equal([p.rangeLowKN, p.rangeHighKN, p.maxRateKNPerS, p.maxStepKN], [-Infinity, Infinity, Infinity, Infinity]);

  // The firmware's call (no options): stuck is on, range and slope wait for the cell's capacity.
  const adc = new SimLoadCellAdc(SENSOR_PRESETS['ads1220-330sps'], new SeededRandom(1));
  const firmwareLike = new LoadCellPipeline(adc, { tareCounts: 0, kNPerCount: 1e-5 }, 1, 250);
  assert.equal([firmwareLike.plausibility.rangeLowKN, firmwareLike.plausibility.rangeHighKN, firmwareLike.plausibility.maxStepKN], [-Infinity, Infinity, Infinity]);
  assert.is(firmwareLike.plausibility.stuckLimit, 83);

  const bad: [() => unknown, RegExp][] = [
    [() => new LoadCellPlausibility(330, { capacityKN: 0 }), /capacityKN must be above 0 .* got 0/],
    [() => new LoadCellPlausibility(330, { capacityKN: 50, safeOverloadKN: 40 }), /safeOverloadKN 40 is below capacityKN 50/],
    [() => new LoadCellPlausibility(330, { rangeLowKN: 5, rangeHighKN: 5 }), /rangeLowKN 5 must be below rangeHighKN 5/],
    [() => new LoadCellPlausibility(330, { maxRateKNPerS: 0 }), /maxRateKNPerS must be above 0, got 0/],
    [() => new LoadCellPlausibility(330, { maxStepKN: NaN }), /maxStepKN must be ≥ 0, got NaN/],
    [() => new LoadCellPlausibility(330, { stuckConversions: 1 }), /stuckConversions must be a whole number ≥ 2, got 1/],
    [() => new LoadCellPlausibility(330, { stuckMinMs: -1 }), /stuckMinMs must be finite and ≥ 0, got -1/],
    [() => new LoadCellPlausibility(0), /sampleRateSps must be a finite number above 0, got 0/],
    [() => new LoadCellPipeline(adc, { tareCounts: 0, kNPerCount: 1 }, 1, 250, { converterDelayMs: -1 }), /converterDelayMs must be finite and ≥ 0, got -1/],
  ];
  for (const [make, message] of bad) assert.throws(make, (e: unknown) => e instanceof RangeError && message.test(e.message), String(message));
});

test('the supervisor latches each sensor fault as its own code, with a name and a message', () => {
  const expected: [number, number, string][] = [
    [SensorFault.adcError, FaultCode.sensorAdcError, 'SENSOR_ADC'],
    [SensorFault.stale, FaultCode.sensorStale, 'SENSOR_STALE'],
    [SensorFault.saturated, FaultCode.sensorSaturated, 'SENSOR_SATURATED'],
    [SensorFault.stuck, 204, 'SENSOR_STUCK'],
    [SensorFault.outOfRange, 205, 'SENSOR_OUT_OF_RANGE'],
    [SensorFault.implausibleSlope, 206, 'SENSOR_SLOPE'],
  ];
  const messages = new Set<string>();
  for (const [sensorFault, code, name] of expected) {
    const supervisor = new SafetySupervisor(100, 50, 30, UNIT_CALIBRATION);
    assert.ok(sensorCheck(supervisor, 1000, 10, 1, sensorFault));
    assert.is(supervisor.latchedFault, code);
    assert.is(faultName(code), name);
    assert.ok(faultMessage(code).includes('load-cell') && faultMessage(code).endsWith('pump stopped, load released'), faultMessage(code));
    messages.add(faultMessage(code));
    // Latched: a healthy reading afterwards does not clear it.
    assert.ok(sensorCheck(supervisor, 1010, 10, 1, SensorFault.none));
    assert.is(supervisor.latchedFault, code);
  }
  assert.is(messages.size, expected.length);
  assert.not.ok(sensorCheck(new SafetySupervisor(100, 50, 30, UNIT_CALIBRATION), 0, 10, 1, SensorFault.none));
});

test('stuck: a converter repeating its last code trips SENSOR_STUCK after 50 conversions at 20 SPS, 0.25 s at 330 SPS', () => {
  for (const [name, limit] of [['ads1220-20sps', 50], ['ads1220-330sps', 83], ['hx711-80sps', 50]] as const) {
    const rig = new Rig(preset(name));
    const periodMs = 1000 / rig.params.sampleRateSps;
    rig.drive(5e6, () => 20000);
    assert.is(rig.fault, FaultCode.none, `${name}: healthy before`);
    rig.adc.stick();
    rig.drive(20e6, () => 20000, () => rig.fault !== FaultCode.none);
    assert.is(rig.fault, FaultCode.sensorStuck, name);
    assert.is(rig.pipeline.plausibility.stuckLimit, limit);
    // The last good code and limit − 1 repeats of it, read at the next tick.
    const afterMs = rig.faultAtMs - 5000;
    assert.ok(afterMs >= (limit - 2) * periodMs && afterMs <= limit * periodMs + 10, `${name}: stuck after ${afterMs} ms, ${limit} conversions are ${limit * periodMs} ms`);
  }
});

test('stuck: a live converter never repeats that long (quietest: ADS1220 at 20 SPS, 0.45 N rms = 19 counts)', () => {
  for (const name of ['ads1220-20sps', 'hx711-10sps', 'ads1220-330sps']) {
    for (const forceN of [0, 20000]) {
      const rig = new Rig(preset(name), {}, undefined, 7);
      let longest = 0;
      rig.drive(600e6, () => forceN, () => {
        if (rig.pipeline.plausibility.sameCountsRun > longest) longest = rig.pipeline.plausibility.sameCountsRun;
      });
      assert.is(rig.fault, FaultCode.none, `${name} at ${forceN} N`);
      // Measured: at most 3 equal codes in a row in 10 min.
      assert.ok(longest < 6, `${name} at ${forceN} N: ${longest} identical conversions in a row`);
    }
  }
  // Its premise: a converter without noise at a constant load does repeat itself.
  const dead = new Rig(quiet('ads1220-20sps'));
  dead.drive(10e6, () => 20000);
  assert.is(dead.fault, FaultCode.sensorStuck);
});

test('stuck in a dry run: the firmware, as it builds its pipeline, latches SENSOR_STUCK within 0.3 s of loadcell-stuck', () => {
  const session = createDryRunSession(program([{ type: 'ramp', to_MPa: 100, rate_MPa_s: 20 }, { type: 'hold', duration_s: 60, band_MPa: 1, mode: 'dynamic' }]), {
    seed: 5,
    faults: [{ kind: 'loadcell-stuck', atS: 20 }],
  });
  const { sim, firmware } = session;
  firmware.start();
  while (sim.timeS < 0.5) sim.step();
  firmware.startRun();
  while (sim.timeS < 19.99) sim.step();
  assert.is(firmware.safety.latchedFault, FaultCode.none);
  while (sim.timeS < 20.3 && firmware.safety.latchedFault === FaultCode.none) sim.step();
  assert.is(firmware.safety.latchedFault, FaultCode.sensorStuck);
  assert.ok(firmware.safety.faultTimeMs >= 20_240, `faulted at ${firmware.safety.faultTimeMs} ms`);
});

test('out of range: swapped signal wires read negative and trip at −2 % of capacity (1 kN on the 50 kN cell)', () => {
  const p = preset('ads1220-330sps');
  const swapped = new Rig(p, {}, { tareCounts: p.offsetCounts, kNPerCount: -1 / (p.countsPerN * 1000) });
  swapped.drive(10e6, (t) => (t / 1e6) * 2000); // 2 kN/s
  assert.is(swapped.fault, FaultCode.sensorOutOfRange);
  assert.ok(swapped.faultAtN > 990 && swapped.faultAtN < 1050, `tripped at ${swapped.faultAtN} N true force`);

  // A cell whose zero moved by −2.5 kN (a permanent set after an overload) trips unloaded.
  const shifted = new Rig(preset('ads1220-330sps', { offsetCounts: p.offsetCounts - Math.round(2500 * p.countsPerN) }), {}, { tareCounts: p.offsetCounts, kNPerCount: 1 / (p.countsPerN * 1000) });
  shifted.drive(1e6, () => 0);
  assert.is(shifted.fault, FaultCode.sensorOutOfRange);
  assert.ok(shifted.faultAtMs <= 20);
});

test('out of range: an overloaded cell trips before its safe overload, where the frame limit never would', () => {
  for (const name of PRESET_NAMES) {
    // An uncorrected cell's bow puts its flat top 45 N under 75 kN: the 2 % margin still trips.
    const rig = new Rig(preset(name, { nonlinearityFS: TYPICAL_NONLINEARITY_FS }));
    rig.drive(12e6, (t) => (t / 1e6) * 10000); // 10 kN/s up to 120 kN
    assert.is(rig.fault, FaultCode.sensorOutOfRange, name);
    // 74 kN measured; the reading lags a 10 kN/s ramp by its delay (up to 300 ms on the HX711 at 10 SPS).
    assert.ok(rig.faultAtN > 74000 && rig.faultAtN < 77100, `${name}: tripped at ${rig.faultAtN} N`);
  }
  // Without the range check the reading sticks at the cell's flat 75 kN: the 98 kN frame check never fires.
  const blind = new Rig(preset('ads1220-330sps', { nonlinearityFS: TYPICAL_NONLINEARITY_FS }), { rangeHighKN: Infinity });
  let highestKN = 0;
  blind.drive(12e6, (t) => (t / 1e6) * 10000, () => {
    if (blind.pipeline.forceKN > highestKN) highestKN = blind.pipeline.forceKN;
  });
  assert.is(blind.fault, FaultCode.none);
  assert.ok(highestKN < 75.1, `highest reading ${highestKN} kN`);
});

test('out of range: never from 0 to 140 % of capacity, with noise and the zero drift at its limit', () => {
  for (const name of PRESET_NAMES) {
    // The drift starts at its worst: the full ±0.1 % FS zero error, on top of the noise.
    for (const driftN of [-50, 50]) {
      const p = preset(name, { nonlinearityFS: TYPICAL_NONLINEARITY_FS });
      const rig = new Rig(p, {}, { tareCounts: p.offsetCounts + driftN * p.countsPerN, kNPerCount: 1 / (p.countsPerN * 1000) }, 3);
      let lowestKN = Infinity;
      let highestKN = -Infinity;
      const triangle = (t: number) => (t < 15e6 ? (t / 15e6) * 70000 : Math.max(0, 70000 - ((t - 15e6) / 15e6) * 70000));
      rig.drive(40e6, triangle, () => {
        lowestKN = Math.min(lowestKN, rig.pipeline.forceKN);
        highestKN = Math.max(highestKN, rig.pipeline.forceKN);
      });
      assert.is(rig.fault, FaultCode.none, `${name}, zero off by ${driftN} N`);
      assert.ok(highestKN > 69 && lowestKN < 0.1, `${name}: ${lowestKN}..${highestKN} kN`);
    }
  }
});

test('implausible slope: a glitch of 2^17 counts (3 kN) at 330 SPS trips SENSOR_SLOPE; 2^16 (1.5 kN) is under the limit', () => {
  for (const [deltaCounts, trips] of [[1 << 17, true], [-(1 << 17), true], [1 << 22, true], [1 << 16, false], [-(1 << 16), false]] as const) {
    const rig = new Rig(preset('ads1220-330sps'));
    rig.drive(2e6, () => 20000);
    rig.adc.glitch(deltaCounts);
    rig.drive(4e6, () => 20000);
    assert.is(rig.fault, trips ? FaultCode.sensorSlope : FaultCode.none, `glitch of ${deltaCounts} counts (${deltaCounts / rig.params.countsPerN} N)`);
    if (trips) assert.ok(rig.faultAtMs > 2000 && rig.faultAtMs <= 2010, `tripped at ${rig.faultAtMs} ms`);
  }
  // A slow converter allows for the force the press can move in its long period: 12.5 kN at 10 SPS.
  for (const [deltaCounts, trips] of [[1 << 21, true], [1 << 19, false]] as const) {
    const rig = new Rig(preset('hx711-10sps'));
    rig.drive(2e6, () => 20000);
    rig.adc.glitch(deltaCounts);
    rig.drive(4e6, () => 20000);
    assert.is(rig.fault, trips ? FaultCode.sensorSlope : FaultCode.none, `HX711 glitch of ${deltaCounts / rig.params.countsPerN} N`);
  }
});

test('implausible slope: never from real pressing on any converter (4 kN/s ramps, 1.2 kN stick-slip jumps, a 30 kN/s dump, a 64 kN/s burst hose, a loose connector)', () => {
  // Force profile, N: stick-slip to 40 kN (the ram sticks, then jumps 1.2 kN, every 0.3 s: 4 kN/s
  // on average), a dump at 30 kN/s, a smooth 4 kN/s ramp back, a burst hose draining at 64 kN/s.
  const profile = (t: number): number => {
    const s = t / 1e6;
    if (s < 10) return 1200 * Math.floor(s / 0.3);
    if (s < 12) return Math.max(39600 - 30000 * (s - 10), 0);
    if (s < 22) return 4000 * (s - 12);
    return Math.max(40000 - 64000 * (s - 22), 0);
  };
  for (const name of PRESET_NAMES) {
    for (const looseConnector of [false, true]) {
      const rig = new Rig(preset(name), {}, undefined, 11);
      if (looseConnector) rig.adc.setNoiseFactor(20);
      let highestKN = 0;
      rig.drive(25e6, profile, () => {
        if (rig.pipeline.forceKN > highestKN) highestKN = rig.pipeline.forceKN;
      });
      // A loose connector is SENSOR_NOISY (its own test below), never a slope fault.
      if (looseConnector) assert.ok(rig.fault === FaultCode.none || rig.fault === FaultCode.sensorNoisy, `${name} with a loose connector: ${faultName(rig.fault)}`);
      else assert.is(rig.fault, FaultCode.none, name);
      assert.ok(highestKN > 39, `${name}: the profile was pressed (${highestKN} kN)`);
    }
  }
});

test('noise: a loose connector (20× the noise) trips SENSOR_NOISY on every converter; the same profile pressed cleanly never does', () => {
  const profile = (t: number): number => {
    const s = t / 1e6;
    if (s < 10) return 1200 * Math.floor(s / 0.3); // stick-slip staircase
    if (s < 12) return Math.max(39600 - 30000 * (s - 10), 0); // dump
    return 4000 * (s - 12); // ramp
  };
  for (const name of PRESET_NAMES) {
    const params = preset(name);
    // The limit a calibration sets: 8× the cell's own noise.
    const options = { noiseLimitKN: (8 * params.noiseRmsN) / 1000 };
    const clean = new Rig(params, options, undefined, 5);
    clean.drive(22e6, profile);
    assert.is(clean.fault, FaultCode.none, `${name} clean: ${faultName(clean.fault)}`);
    assert.ok(clean.pipeline.plausibility.noisyFraction < 0.1, `${name}: ${clean.pipeline.plausibility.noisyFraction}`);
    const loose = new Rig(params, options, undefined, 5);
    loose.drive(2e6, () => 20_000);
    assert.is(loose.fault, FaultCode.none, `${name}: healthy at first`);
    loose.adc.setNoiseFactor(20);
    loose.drive(2e6 + 15e6, () => 20_000);
    assert.is(loose.fault, FaultCode.sensorNoisy, `${name} loose: ${faultName(loose.fault)} (${loose.pipeline.plausibility.noisyFraction.toFixed(2)} zig-zag)`);
    assert.ok(loose.faultAtMs - 2000 < 12_000, `${name}: ${loose.faultAtMs - 2000} ms to detect`);
  }
});

test('latency: samplePeriodMs, latencyMs, and readingDelayMs is the true lag of the reading behind a ramp', () => {
  for (const [name, converterDelayMs] of [['ads1220-330sps', 0.1], ['ads1220-2000sps', 0.1], ['hx711-80sps', 18.75], ['hx711-10sps', 150]] as const) {
    const p = quiet(name);
    const rig = new Rig(p, { converterDelayMs });
    const periodMs = 1000 / p.sampleRateSps;
    assert.is(rig.pipeline.samplePeriodMs, periodMs);
    assert.is(rig.pipeline.latencyMs, periodMs / 2 + converterDelayMs);
    assert.is(rig.pipeline.readingDelayMs, Infinity, 'no reading yet');
    const rateNPerMs = 10; // 10 kN/s
    let worstMs = 0;
    let ticks = 0;
    rig.drive(3e6, (t) => rateNPerMs * (t / 1000), () => {
      const nowMs = rig.nowUs / 1000;
      if (nowMs < 1000) return;
      const lagMs = (rateNPerMs * nowMs - rig.pipeline.forceKN * 1000) / rateNPerMs;
      worstMs = Math.max(worstMs, Math.abs(lagMs - rig.pipeline.readingDelayMs));
      ticks++;
    });
    assert.ok(ticks > 100);
    // Quantisation (0.002 ms of this ramp) and the 1 ms physics steps a window end splits.
    assert.ok(worstMs < 0.05, `${name}: reading delay off the true lag by ${worstMs} ms`);
  }
});

// Dry runs of real programs on the simulated presses, the plausibility given the board's cell.
function configuredSession(plantName: string, programJson: unknown, faults: { kind: FaultKind; atS: number }[] = []): DryRunSession {
  const session = createDryRunSession(programJson, { seed: 3, plant: PLANT_PRESETS[plantName], faults });
  assert.equal(session.errors, []);
  session.firmware.loadCell.plausibility.configure({ capacityKN: session.sim.board.limits.loadCellCapacityKN });
  return session;
}

const example = (name: string): unknown => JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8'));

test('dry runs: sticky seals, 40 t, HX711 at 10 SPS, ADS1220 at 2000 SPS, air in oil, fast pump press without a sensor fault', () => {
  const runs: [string, string][] = [
    ['sticky-seals', 'li6ps5cl-three-layer'],
    ['press-40t', 'cathode-sheet-lamination'],
    ['hx711-10sps', 'separator-394-then-98'],
    ['ads1220-2000sps', 'li6ps5cl-three-layer'],
    ['air-in-oil', 'li6ps5cl-three-layer'],
    ['fast-pump', 'cathode-sheet-lamination'],
  ];
  for (const [plantName, exampleName] of runs) {
    const session = configuredSession(plantName, example(exampleName));
    let peakKN = 0;
    runSession(session, {
      traceEveryTicks: 0,
      maxSimTimeS: 900,
      onTick: (s) => {
        if (s.firmware.loadCell.forceKN > peakKN) peakKN = s.firmware.loadCell.forceKN;
      },
    });
    assert.is(session.firmware.safety.latchedFault, FaultCode.none, `${plantName} / ${exampleName}: ${faultName(session.firmware.safety.latchedFault)}`);
    assert.ok(peakKN > 20, `${plantName} / ${exampleName}: pressed to ${peakKN} kN`);
  }
});

test('dry runs: unloading 45 kN by the e-stop (release wide open) or a burst hose trips no sensor fault', () => {
  const isSensorFault = (code: number) => code >= 200 && code < 300;
  for (const plantName of ['press-10t', 'press-8t', 'sticky-seals', 'hx711-10sps']) {
    for (const how of ['estop', 'leak'] as const) {
      const session = configuredSession(plantName, example('na-s-600mpa-copress'));
      const { sim, firmware } = session;
      firmware.start();
      while (sim.timeS < 0.5) sim.step();
      firmware.startRun();
      while (sim.plant.forceN < 45000 && sim.timeS < 1000) sim.step();
      assert.ok(sim.plant.forceN >= 45000, `${plantName}: reached ${sim.plant.forceN} N`);
      sim.inject(how);
      const untilS = sim.timeS + 10;
      while (sim.timeS < untilS) sim.step();
      assert.ok(sim.plant.forceN < 20000, `${plantName} ${how}: still ${sim.plant.forceN} N`);
      const code = firmware.safety.latchedFault;
      assert.not.ok(isSensorFault(code), `${plantName} ${how}: ${faultName(code)}`);
      // The e-stop names itself; a burst hose is a hydraulic fault.
      assert.is(code, how === 'estop' ? FaultCode.emergencyStop : FaultCode.pressureDrop, `${plantName} ${how}: ${faultName(code)}`);
    }
  }
});

test.run();
