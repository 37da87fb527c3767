// The XS side of the heap measurement (tools/xs/xs-heap.ts, docs/xs-heap.md): bundled by
// esbuild and loaded as a module into an xsnap-worker, where it installs
// globalThis.handleCommand. The host then drives the dry run one crank at a time, so that the
// worker's per-crank heap figure can be read right before and right after each control tick:
//   S crank (advance): the simulator runs to the next due control tick (the ticker calls the
//            firmware's tick, which only notes that it is due);
//   T crank (tick):    the firmware's real ControlTick.prototype.run runs, and nothing else.
// Deferring the tick from inside the ticker to the next crank changes nothing the firmware
// or the simulator sees: fireDue() is the last thing the simulator's step() does, the tick
// reads the board (clock, inputs, load cell) and commands the outputs, and the simulator
// looks at those outputs only in its next step(), after the tick.
// Commands are told apart by the length of the ArrayBuffer handleCommand receives, which is
// read without allocating (a Uint8Array view would allocate slots inside the measured crank).
// The same module also runs under plain `xsnap -m` (option `inline`): same warm-up, same
// ticks in one loop, for the meter of the release engine (the worker is built with mxDebug,
// whose line-number opcodes inflate the meter).
import { createDryRunSession } from '../../host-sim/scenario';
import { ControlTick } from '../../src/press/control-tick';
import { StepKind } from '../../src/programs/compile';
import { RunState } from '../../src/runner/run-state';
import { parseJson } from '../../src/json/parse-json';

declare function gc(): void;
declare function resetMeter(limit: number, index: number): number;
declare function print(...values: unknown[]): void;

/** Command codes: the byte length of the payload after "?". */
export const HeapCommand = {
  tick: 1,
  advance: 2,
  noop: 3,
  collect: 4,
  report: 5,
  warmup: 6,
} as const;

/** What a deliberately faulty tick does on top of the real one (negative controls). */
export type TickFault =
  | 'none'
  /** a new object per tick, dropped at the next tick (garbage) */
  | 'object-garbage'
  /** a new object per tick, kept in an array (a leak) */
  | 'object-leak'
  /** a new string per tick, replacing the previous one in an existing variable (chunk-only garbage) */
  | 'string-garbage'
  /** a string grown by one character per tick, kept (chunk-only growth of the heap) */
  | 'string-leak';

export interface HeapProbeOptions {
  programText: string;
  seed: number;
  fault: TickFault;
  /** Warm-up ends once this many consecutive ticks were steady (see `steady`). */
  settleTicks: number;
  /** Warm-up fails past this many ticks. */
  maxWarmupTicks: number;
  /** Ticks measured after the warm-up (sizes the per-tick records). */
  ticks: number;
  /** No worker: warm up, run `ticks` ticks in one loop and print the report (plain xsnap -m). */
  inline?: boolean;
}

export interface HeapProbeReport {
  /** Ticks run in all, warm-up included. */
  ticks: number;
  warmupTicks: number;
  /** Per tick: XS meter of the firmware tick alone (resetMeter around it). */
  meters: number[];
  /** Per tick: 1 when the tick ran in a hold step, or a maintain step at its level, and running. */
  steady: number[];
  /** Per tick: 1 when a garbage collection ran during the tick's crank (its heap delta is void). */
  collected: number[];
  /** Per tick: 1 when the S crank before it armed a new sentinel (allocating a few slots). */
  rearmed: number[];
  stepIndex: number;
  state: number;
  simTimeS: number;
}

const START_DELAY_US = 500_000;

export function installHeapProbe(options: HeapProbeOptions): void {
  const parsed = parseJson(options.programText);
  if (!parsed.ok) throw new Error(`program does not parse: ${parsed.message}`);
  const session = createDryRunSession(parsed.value, { seed: options.seed });
  if (session.errors.length > 0) throw new Error(`program is not valid: ${JSON.stringify(session.errors)}`);
  const { sim, firmware } = session;
  const capacity = options.maxWarmupTicks + options.ticks + 1;
  const meters = new Uint32Array(capacity);
  const steady = new Uint8Array(capacity);
  const collected = new Uint8Array(capacity);
  const rearmed = new Uint8Array(capacity);
  let count = 0;
  let warmupTicks = -1;
  let steadyRun = 0;
  let due = false;
  let started = false;

  // Collection sentinel. A WeakRef cannot serve: xsnap (built with mxSnapshot) keeps WeakRef
  // targets alive through the collections XS starts by itself, and clears them only on an
  // explicit gc(). A FinalizationRegistry's targets are weak in every collection, and XS runs
  // the cleanup callback at the end of the job (crank) in which the collection happened. One
  // unreachable object is registered at the very end of each S crank (when none is pending);
  // if the count of callbacks has moved when the next S crank starts, a collection ran during
  // the T crank in between.
  let collections = 0;
  let seenCollections = 0;
  let armed = false;
  const registry = new FinalizationRegistry<number>(() => {
    collections++;
    armed = false;
  });

  const control = firmware.control;
  const realRun = ControlTick.prototype.run;
  // The ticker calls `control.run()`: this own property shadows the prototype's method, so the
  // simulator only marks the tick as due.
  control.run = function deferTick(): void {
    due = true;
  };

  const fault = options.fault;
  const kept: unknown[] = [];
  const grown: string[] = [''];
  let dropped: object | null = null;
  let text = '';
  // Reading a property of a string primitive (text.length, text.slice(...)) makes XS box it,
  // which allocates slots; a bare concatenation allocates only a chunk.
  const faultyTick = (): void => {
    realRun.call(control);
    if (fault === 'object-garbage') dropped = { tick: count };
    else if (fault === 'object-leak') kept.push({ tick: count });
    else if (fault === 'string-garbage') text = 'tick ' + count;
    else if (fault === 'string-leak') grown[0] = grown[0] + 'x';
  };
  const tick = fault === 'none' ? null : faultyTick;

  firmware.start();

  const advance = (): void => {
    if (collections !== seenCollections) {
      if (count > 0) collected[count - 1] = 1;
      seenCollections = collections;
    }
    while (!due) {
      if (!started && sim.clock.nowUs >= START_DELAY_US) {
        sim.pressStart();
        started = true;
      }
      sim.step();
    }
    if (!armed) {
      registry.register({}, 0);
      armed = true;
      if (count < capacity) rearmed[count] = 1;
    }
  };

  const runTick = (): void => {
    due = false;
    const seq = firmware.sequencer;
    resetMeter(0, 0);
    if (tick === null) realRun.call(control);
    else tick();
    const used = resetMeter(0, 0);
    if (count < capacity) {
      meters[count] = used;
      const program = seq.program;
      const kind = program === null || !seq.active ? -1 : program.kind[seq.stepIndex];
      const inStep = kind === StepKind.hold || (kind === StepKind.maintain && seq.arrivedMs >= 0);
      steady[count] = inStep && seq.state === RunState.running ? 1 : 0;
      steadyRun = steady[count] === 1 ? steadyRun + 1 : 0;
    }
    count++;
  };

  const warmup = (): void => {
    while (steadyRun < options.settleTicks) {
      if (count >= options.maxWarmupTicks) {
        const seq = firmware.sequencer;
        throw new Error(`no ${options.settleTicks} steady ticks within ${count} ticks (step ${seq.stepIndex + 1}, state ${seq.state})`);
      }
      advance();
      runTick();
    }
    warmupTicks = count;
  };

  const encode = (value: unknown): ArrayBuffer => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

  const report = (): ArrayBuffer => {
    const n = count < capacity ? count : capacity;
    const result: HeapProbeReport = {
      ticks: count,
      warmupTicks,
      meters: Array.from(meters.subarray(0, n)),
      steady: Array.from(steady.subarray(0, n)),
      collected: Array.from(collected.subarray(0, n)),
      rearmed: Array.from(rearmed.subarray(0, n)),
      stepIndex: firmware.sequencer.stepIndex,
      state: firmware.sequencer.state,
      simTimeS: sim.timeS,
    };
    // Keeps what the faults make observable, so that no engine could optimise them away.
    if (dropped === kept || text === '-' || grown[0] === '-') throw new Error('unreachable');
    return encode(result);
  };

  if (options.inline === true) {
    warmup();
    for (let i = 0; i < options.ticks; i++) {
      advance();
      runTick();
    }
    advance();
    print('RESULT ' + new TextDecoder().decode(report()));
    return;
  }

  (globalThis as { handleCommand?: (message: ArrayBuffer) => ArrayBuffer | undefined }).handleCommand = (message) => {
    const code = message.byteLength;
    if (code === HeapCommand.tick) runTick();
    else if (code === HeapCommand.advance) advance();
    else if (code === HeapCommand.collect) gc();
    else if (code === HeapCommand.report) return report();
    else if (code === HeapCommand.warmup) {
      warmup();
      return encode(warmupTicks);
    }
    return undefined;
  };
}
