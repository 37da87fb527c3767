// The XS side of the tick meter (bench/bench-xs-tick.ts): a dry run on the bench board, in
// xsnap, with XS's computation meter read around every call of ControlTick.run (the control tick) and of the
// firmware's and drivers' other callbacks (DRDY handler, panel refresh, lease guard, protocol,
// housekeeping). The fake IO with a real body (SPI, I2C, flash, UART) is left out through
// the meter gate; the pin, PWM, clock and watchdog fakes are a property read or write each,
// a few units over a native call (calibrate() measures how many). The simulated press
// between the callbacks is not metered at all.
//
// With `breakdown`, the tick's parts are wrapped one by one (on the instances), and the meter
// is banked into the part that runs: each part's own units, exclusive of the parts it calls.
// Every wrapped call costs the same number of units more than the direct call (calibrated
// here on empty functions, in the same engine); they are taken off the called part and its
// caller, and bench-xs-tick.ts checks, tick by tick, that the parts then add up to the plain
// run's tick.
import type { BoardConfig } from '../../hal/esp32/config';
import { ControlTick } from '../../src/press/control-tick';
import { StepKind } from '../../src/programs/compile';
import { PinInputs } from '../../hal/esp32/inputs';
import type { MeterGate } from './bench-io';
import { BenchPin, BenchTime } from './bench-io';
import { VirtualClock } from '../../host-sim/hal/virtual-time';
import { createBenchRun, runBench } from './bench-session';

declare function resetMeter(limit: number, index: number): number;

/** Meter buckets: 0 is everything outside a metered call (discarded). */
export const Part = Object.freeze({
  outside: 0,
  tickBody: 1,
  loopTiming: 2,
  clock: 3,
  pipeline: 4,
  plausibility: 5,
  adcPoll: 6,
  debounce: 7,
  pinInputs: 8,
  sequencer: 9,
  stepStats: 10,
  trajectory: 11,
  controlLaw: 12,
  staticHold: 13,
  supervisor: 14,
  hydraulics: 15,
  outputs: 16,
  runLog: 17,
  watchdog: 18,
  drdyHandler: 19,
  panelRefresh: 20,
  leaseGuard: 21,
  protocol: 22,
  service: 23,
} as const);
const BUCKETS = 24;

/** What each bucket is, and whether it is driver code (hal/esp32) rather than firmware (src/). */
export const PART_INFO: readonly { name: string; what: string; driver: boolean }[] = Object.freeze([
  { name: 'outside', what: 'not metered', driver: false },
  { name: 'tickBody', what: 'ControlTick.run itself: hold filter, demand, interlocks, output levels, step change', driver: false },
  { name: 'loopTiming', what: 'LoopTiming.tick (period, jitter histogram)', driver: false },
  { name: 'clock', what: 'MonotonicClock.nowMs (every caller)', driver: true },
  { name: 'pipeline', what: 'LoadCellPipeline.update (average, calibration, fault checks)', driver: false },
  { name: 'plausibility', what: 'LoadCellPlausibility.addConversion (per conversion: stuck, slope, noise)', driver: false },
  { name: 'adcPoll', what: 'Ads1220.poll (FIFO drain, DRDY fallback, timeout)', driver: true },
  { name: 'debounce', what: 'BenchInputs.read and Debounced.update', driver: false },
  { name: 'pinInputs', what: 'PinInputs getters (five pin reads)', driver: true },
  { name: 'sequencer', what: 'Sequencer.update (step logic, stall deadline)', driver: false },
  { name: 'stepStats', what: 'StepStats.sample (peak, mean, error histogram)', driver: false },
  { name: 'trajectory', what: 'SetpointTrajectory.update / reset', driver: false },
  { name: 'controlLaw', what: 'PressureController.track / idle / dump (rate estimate, gain estimator, allocation)', driver: false },
  { name: 'staticHold', what: 'ControlTick.staticHoldDemand and StaticHold.update', driver: false },
  { name: 'supervisor', what: 'SafetySupervisor.check', driver: false },
  { name: 'hydraulics', what: 'HydraulicsWatch.update (four hydraulic checks)', driver: false },
  { name: 'outputs', what: 'LeasedDrive.command ×3 (EspPump, pump power, EspReleaseValve) with their stages', driver: true },
  { name: 'runLog', what: 'SampleBuffer.tick (run-log sampling)', driver: false },
  { name: 'watchdog', what: 'EspSystem.feedWatchdog', driver: true },
  { name: 'drdyHandler', what: 'Ads1220.onDataReady (DRDY edge: SPI read into the FIFO), per conversion', driver: true },
  { name: 'panelRefresh', what: 'PressFirmware.refreshPanel with EspPanel.show (PanelText, CharLcd) and setStatus, per refresh', driver: false },
  { name: 'leaseGuard', what: 'LeaseGuard.run, per run', driver: true },
  { name: 'protocol', what: 'SerialLink.service (idle line), per call', driver: false },
  { name: 'service', what: 'PressFirmware.service (run log to flash), per call', driver: false },
]);

/** Parts whose wrapper is a getter wrapper (the others are method wrappers). */
const GETTER_PARTS: readonly number[] = Object.freeze([Part.pinInputs]);

/**
 * XS's meter banked into buckets. pause()/resume() (the fake IO's gate) bank what ran so far
 * into the current bucket and drop the body; enter()/leave() move between buckets.
 */
export class XsMeter implements MeterGate {
  readonly units = new Float64Array(BUCKETS);
  /** Calls into each bucket, and wrapped calls each bucket made (methods, getters). */
  readonly calls = new Float64Array(BUCKETS);
  readonly madeMethodCalls = new Float64Array(BUCKETS);
  readonly madeGetterCalls = new Float64Array(BUCKETS);
  current = 0;
  /** Gated (fake native) calls so far. */
  gatedCalls = 0;
  private readonly stack = new Int32Array(32);
  private depth = 0;

  pause(): void {
    this.units[this.current] += resetMeter(0, 0);
  }

  resume(): void {
    this.gatedCalls++;
    resetMeter(0, 0);
  }

  enter(bucket: number): void {
    this.units[this.current] += resetMeter(0, 0);
    if (GETTER_PARTS.includes(bucket)) this.madeGetterCalls[this.current]++;
    else this.madeMethodCalls[this.current]++;
    this.stack[this.depth++] = this.current;
    this.current = bucket;
    this.calls[bucket]++;
    resetMeter(0, 0);
  }

  leave(): void {
    this.units[this.current] += resetMeter(0, 0);
    this.current = this.stack[--this.depth];
    resetMeter(0, 0);
  }

  clear(): void {
    this.units.fill(0);
    this.calls.fill(0);
    this.madeMethodCalls.fill(0);
    this.madeGetterCalls.fill(0);
    this.gatedCalls = 0;
  }
}

type Method = (this: unknown, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown) => unknown;

/**
 * Parameters a wrapped method may declare. The widest the tick calls take five (the law and
 * the supervisor take their inputs as one preallocated object each).
 */
const MAX_WRAPPED_PARAMETERS = 8;

/** Replaces target[name] by a call banked into `bucket`; every wrapped call costs the same (eight arguments passed on). */

export function wrapMethod(meter: XsMeter, target: object, name: string, bucket: number): void {
  const holder = target as Record<string, Method>;
  const original = holder[name];
  if (typeof original !== 'function') throw new Error(`xs-tick-probe: ${name} is not a method`);
  // Fixed parameters (no rest array: that would allocate per call); a method with more would lose its last arguments, so it is refused.
  if (original.length > MAX_WRAPPED_PARAMETERS) throw new Error(`xs-tick-probe: ${name} takes ${original.length} parameters, more than the ${MAX_WRAPPED_PARAMETERS} the wrapper passes on`);
  holder[name] = function wrapped(this: unknown, a, b, c, d, e, f, g, h) {
    meter.enter(bucket);
    const result = original.call(this, a, b, c, d, e, f, g, h);
    meter.leave();
    return result;
  };
}

/** The same for a getter of `prototype`, installed on `target`. */
export function wrapGetter(meter: XsMeter, target: object, prototype: object, name: string, bucket: number): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  const get = descriptor?.get;
  if (get === undefined) throw new Error(`xs-tick-probe: ${name} is not a getter`);
  Object.defineProperty(target, name, {
    get(this: unknown) {
      meter.enter(bucket);
      const value = get.call(this);
      meter.leave();
      return value;
    },
  });
}

export interface Calibration {
  /** Units a wrapped method call costs more than the direct call... */
  methodWrapUnits: number;
  /** ...of which the called part's bucket gets this many (the rest the caller's); the called part's share includes the call's own entry and return. */
  methodWrapCalleeUnits: number;
  /** The same for a wrapped getter. */
  getterWrapUnits: number;
  getterWrapCalleeUnits: number;
  /** Units a gated fake call (SPI, I2C, flash, UART) counts more than a call of an empty method. */
  gateResidualUnits: number;
  /** Units a fake pin read counts more than a call of a host (native) function made the same way. */
  fakeCallOverNativeUnits: number;
  /** Units the fake clock's microseconds getter counts more than a host getter. */
  fakeGetterOverNativeUnits: number;
  /** What the tick's bracketing (resetMeter, the call, resetMeter) reads around an empty function. */
  bracketUnits: number;
}

const CALIBRATION_CALLS = 1000;

/** Measures the wrappers' and the fakes' own cost on empty functions, in this engine. */
export function calibrate(meter: XsMeter): Calibration {
  class Probe {
    value = 1;
    empty(_a: number, _b: number): number {
      return 0;
    }
    get level(): number {
      return this.value;
    }
    gated(_a: number, _b: number): number {
      meter.pause();
      meter.resume();
      return 0;
    }
  }
  let calleeUnits = 0;
  const measure = (body: () => void): number => {
    meter.clear();
    meter.current = Part.tickBody;
    resetMeter(0, 0);
    body();
    meter.units[meter.current] += resetMeter(0, 0);
    meter.current = Part.outside;
    let total = 0;
    for (let k = 1; k < BUCKETS; k++) total += meter.units[k];
    calleeUnits = meter.units[Part.clock];
    return total;
  };
  const plain = new Probe();
  const wrapped = new Probe();
  wrapMethod(meter, wrapped, 'empty', Part.clock);
  wrapGetter(meter, wrapped, Probe.prototype, 'level', Part.clock);
  const pin = new BenchPin();
  const time = new BenchTime(new VirtualClock());
  // Date.now is a host function: called as a method, or as a getter, it stands for Moddable's native IO.
  const host = { read: Date.now } as { read: () => number; readonly microseconds: number };
  Object.defineProperty(host, 'microseconds', { get: Date.now });
  let sink = 0;
  const calls = (call: (n: number) => number) => () => {
    for (let n = 0; n < CALIBRATION_CALLS; n++) sink += call(n);
  };
  const perCall = (a: number, b: number) => (a - b) / CALIBRATION_CALLS;
  const methodPlain = measure(calls((n) => plain.empty(n, n)));
  const methodWrapUnits = perCall(measure(calls((n) => wrapped.empty(n, n))), methodPlain);
  const methodWrapCalleeUnits = calleeUnits / CALIBRATION_CALLS;
  const getterPlain = measure(calls(() => plain.level));
  const getterWrapUnits = perCall(measure(calls(() => wrapped.level)), getterPlain);
  const getterWrapCalleeUnits = calleeUnits / CALIBRATION_CALLS;
  const calibration: Calibration = {
    methodWrapUnits,
    methodWrapCalleeUnits,
    getterWrapUnits,
    getterWrapCalleeUnits,
    gateResidualUnits: perCall(measure(calls((n) => plain.gated(n, n))), methodPlain),
    fakeCallOverNativeUnits: perCall(measure(calls(() => pin.read())), measure(calls(() => host.read()))),
    fakeGetterOverNativeUnits: perCall(measure(calls(() => time.microseconds)), measure(calls(() => host.microseconds))),
    bracketUnits: 0,
  };
  const empty = function (this: unknown): void {};
  resetMeter(0, 0);
  empty.call(plain);
  calibration.bracketUnits = resetMeter(0, 0);
  if (sink < 0) throw new Error('unreachable');
  return calibration;
}

export interface TickProbeOptions {
  programText: string;
  seed: number;
  config: BoardConfig;
  breakdown: boolean;
}

export interface TickProbeReport {
  result: string;
  ticks: number;
  simTimeS: number;
  /** Per tick: units (the whole tick), and 1 when it ran in a hold step. */
  tickUnits: number[];
  inHold: number[];
  /** Per tick: wrapped method calls and wrapped getter calls (breakdown), and gated calls. */
  methodCalls: number[];
  getterCalls: number[];
  gatedCalls: number[];
  /** Per bucket, per tick (breakdown only; the tick's buckets): its own units, the wrappers' taken off. */
  partUnits: number[][];
  partCalls: number[][];
  /** Outside the tick: per bucket, total units and calls over the run. */
  outsideUnits: number[];
  outsideCalls: number[];
  /** The tick with the most units: index, state and step. */
  maxAt: string;
  steps: { type: string; reached: number | null; peak: number | null; p99: number | null; durationS: number | null }[];
  conversionsRead: number;
  i2cWrites: number;
  i2cBytes: number;
  largestI2cWriteBytes: number;
  calibration: Calibration;
}

export function runTickProbe(options: TickProbeOptions): TickProbeReport {
  const meter = new XsMeter();
  const calibration = calibrate(meter);
  meter.clear();
  meter.current = Part.outside;
  const run = createBenchRun(JSON.parse(options.programText), options.config, { seed: options.seed, traceEveryTicks: 0 }, { gate: meter });
  const { session, bench } = run;
  const firmware = session.firmware;
  const capacity = 200_000;
  const tickUnits = new Uint32Array(capacity);
  const inHold = new Uint8Array(capacity);
  const methodCalls = new Uint16Array(capacity);
  const getterCalls = new Uint16Array(capacity);
  const gatedCalls = new Uint16Array(capacity);
  const breakdown = options.breakdown;
  const partUnits: Float64Array[] = [];
  const partCalls: Uint8Array[] = [];
  for (let k = 0; k < BUCKETS; k++) {
    partUnits.push(new Float64Array(breakdown && k > 0 && k <= Part.watchdog ? capacity : 0));
    partCalls.push(new Uint8Array(breakdown && k > 0 && k <= Part.watchdog ? capacity : 0));
  }
  const outsideUnits = new Float64Array(BUCKETS);
  const outsideCalls = new Float64Array(BUCKETS);
  let count = 0;
  let maxUnits = 0;
  let maxAt = '';

  // Callbacks outside the tick: metered as a whole, one bucket each.
  const outside = (target: object, name: string, bucket: number) => wrapMethod(meter, target, name, bucket);
  outside(bench.adc, 'onDataReady', Part.drdyHandler);
  outside(firmware, 'refreshPanel', Part.panelRefresh);
  outside(bench.guard, 'run', Part.leaseGuard);
  outside(firmware.serialLink, 'service', Part.protocol);
  outside(firmware, 'service', Part.service);

  let wrappedStats: object | null = null;
  if (breakdown) {
    const board = firmware.board;
    wrapMethod(meter, firmware.timing, 'tick', Part.loopTiming);
    wrapMethod(meter, bench.clock, 'nowMs', Part.clock);
    wrapMethod(meter, firmware.loadCell, 'update', Part.pipeline);
    wrapMethod(meter, firmware.loadCell.plausibility, 'addConversion', Part.plausibility);
    wrapMethod(meter, bench.adc, 'poll', Part.adcPoll);
    wrapMethod(meter, firmware.inputs, 'read', Part.debounce);
    for (const name of ['estop', 'guardClosed', 'startPressed', 'stopPressed', 'continuePressed']) wrapGetter(meter, board.inputs, PinInputs.prototype, name, Part.pinInputs);
    wrapMethod(meter, firmware.sequencer, 'update', Part.sequencer);
    wrapMethod(meter, firmware.trajectory, 'update', Part.trajectory);
    wrapMethod(meter, firmware.trajectory, 'reset', Part.trajectory);
    for (const name of ['track', 'idle', 'dump']) wrapMethod(meter, firmware.controller, name, Part.controlLaw);
    wrapMethod(meter, firmware.control, 'staticHoldDemand', Part.staticHold);
    wrapMethod(meter, firmware.safety, 'check', Part.supervisor);
    wrapMethod(meter, firmware.safety.hydraulics, 'update', Part.hydraulics);
    wrapMethod(meter, board.pump, 'command', Part.outputs);
    wrapMethod(meter, board.pumpPower, 'command', Part.outputs);
    wrapMethod(meter, board.releaseValve, 'command', Part.outputs);
    wrapMethod(meter, firmware.samples, 'tick', Part.runLog);
    wrapMethod(meter, board.system, 'feedWatchdog', Part.watchdog);
  }

  const control = firmware.control;
  const realRun = ControlTick.prototype.run;
  control.run = function meteredTick() {
    const seq = firmware.sequencer;
    // The run's step statistics are made when the run starts: wrapped as soon as they exist.
    if (breakdown && seq.stats !== null && seq.stats !== wrappedStats) {
      wrappedStats = seq.stats;
      wrapMethod(meter, seq.stats, 'sample', Part.stepStats);
    }
    for (let k = 0; k < BUCKETS; k++) {
      outsideUnits[k] += meter.units[k];
      outsideCalls[k] += meter.calls[k];
    }
    meter.clear();
    meter.current = Part.tickBody;
    resetMeter(0, 0);
    realRun.call(control);
    meter.units[meter.current] += resetMeter(0, 0);
    meter.current = Part.outside;
    let units = 0;
    let methods = 0;
    let getters = 0;
    for (let k = 1; k <= Part.watchdog; k++) {
      units += meter.units[k];
      if (k === Part.tickBody) continue;
      if (GETTER_PARTS.includes(k)) getters += meter.calls[k];
      else methods += meter.calls[k];
    }
    if (count < capacity) {
      tickUnits[count] = units;
      methodCalls[count] = methods;
      getterCalls[count] = getters;
      gatedCalls[count] = meter.gatedCalls;
      if (breakdown) {
        // Each wrapped call's extra units come off: the called part's share from the part, the rest from its caller.
        const c = calibration;
        for (let k = 1; k <= Part.watchdog; k++) {
          const calleeShare = GETTER_PARTS.includes(k) ? c.getterWrapCalleeUnits : c.methodWrapCalleeUnits;
          partUnits[k][count] =
            meter.units[k] - meter.calls[k] * calleeShare - meter.madeMethodCalls[k] * (c.methodWrapUnits - c.methodWrapCalleeUnits) - meter.madeGetterCalls[k] * (c.getterWrapUnits - c.getterWrapCalleeUnits);
          partCalls[k][count] = meter.calls[k];
        }
      }
      inHold[count] = seq.active && seq.program !== null && seq.program.kind[seq.stepIndex] === StepKind.hold ? 1 : 0;
    }
    if (units > maxUnits) {
      maxUnits = units;
      maxAt = `tick ${count}, state ${seq.state}, step ${seq.stepIndex + 1}`;
    }
    count++;
    meter.clear();
  };

  const result = runBench(run);
  for (let k = 0; k < BUCKETS; k++) {
    outsideUnits[k] += meter.units[k];
    outsideCalls[k] += meter.calls[k];
  }
  const n = count < capacity ? count : capacity;
  const list = (values: ArrayLike<number>) => Array.from({ length: n }, (_, i) => values[i]);
  return {
    result: result.report === null ? 'invalid' : result.report.result,
    ticks: count,
    simTimeS: result.simTimeS,
    tickUnits: list(tickUnits),
    inHold: list(inHold),
    methodCalls: list(methodCalls),
    getterCalls: list(getterCalls),
    gatedCalls: list(gatedCalls),
    partUnits: breakdown ? partUnits.map((values, k) => (k > 0 && k <= Part.watchdog ? list(values) : [])) : [],
    partCalls: breakdown ? partCalls.map((values, k) => (k > 0 && k <= Part.watchdog ? list(values) : [])) : [],
    outsideUnits: Array.from(outsideUnits),
    outsideCalls: Array.from(outsideCalls),
    maxAt,
    steps: (result.report?.steps ?? []).map((s) => ({ type: s.type, reached: s.reached_MPa, peak: s.peak_MPa, p99: s.hold_error_p99_MPa, durationS: s.duration_s })),
    conversionsRead: bench.adc.conversionsRead,
    i2cWrites: bench.i2c.writes,
    i2cBytes: bench.i2c.bytes,
    largestI2cWriteBytes: bench.i2c.largestWriteBytes,
    calibration,
  };
}
