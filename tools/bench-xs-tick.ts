// npm run bench: the XS computation meter of one control tick (PressFirmware.tick, including
// the simulated HAL calls it makes), over every tick of a dry run of the example program in
// the real XS engine. Prints `xs-tick-meter: <median>`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInXs, extractJson, repoRoot } from './xs-run';

const EXAMPLE = 'li6ps5cl-three-layer';
const programText = readFileSync(path.join(repoRoot, 'examples', `${EXAMPLE}.json`), 'utf8');

interface MeterSummary {
  ticks: number;
  median: number;
  p99: number;
  max: number;
  maxAt: string;
  holdTicks: number;
  holdMedian: number;
  firmwareMedian: number;
  firmwareHoldMedian: number;
  halMedian: number;
  result: string;
}

const sourceFor = (splitHal: boolean) => `
import { createDryRunSession, runSession } from './host-sim/scenario';
import { PressFirmware } from './src/firmware';
import { StepKind } from './src/programs/compile';
declare function print(...values: unknown[]): void;
declare function resetMeter(limit: number, index: number): number;

const session = createDryRunSession(JSON.parse(${JSON.stringify(programText)}), { seed: 1 });
const firmware = session.firmware;
const capacity = 200000;
const meters = new Uint32Array(capacity);
const inHold = new Uint8Array(capacity);
let count = 0;
let maxUsed = 0;
let maxAt = '';
// The simulated HAL's own work (the converter FIFO, leased outputs, the clock, the panel)
// is metered apart: on the board these are native drivers. Each wrapper banks the meter
// before and after the call, so the firmware's share keeps the call itself and the HAL's
// share is the body.
let firmwareUnits = 0;
let halUnits = 0;
const board = session.sim.board as any;
function split0(target: any, name: string) {
  const original = target[name];
  target[name] = function () {
    firmwareUnits += resetMeter(0, 0);
    const result = original.call(target);
    halUnits += resetMeter(0, 0);
    return result;
  };
}
function split1(target: any, name: string) {
  const original = target[name];
  target[name] = function (a: unknown) {
    firmwareUnits += resetMeter(0, 0);
    const result = original.call(target, a);
    halUnits += resetMeter(0, 0);
    return result;
  };
}
function split2(target: any, name: string) {
  const original = target[name];
  target[name] = function (a: unknown, b: unknown) {
    firmwareUnits += resetMeter(0, 0);
    const result = original.call(target, a, b);
    halUnits += resetMeter(0, 0);
    return result;
  };
}
if (${splitHal}) {
  split0(board.loadCell, 'poll');
  split0(board.clock, 'nowMs');
  split2(board.pump, 'command');
  split2(board.releaseValve, 'command');
  split2(board.pumpPower, 'command');
  split0(board.system, 'feedWatchdog');
  split1(board.panel, 'show');
  split1(board.panel, 'setStatus');
}
const firmwareMeters = new Uint32Array(capacity);
const halMeters = new Uint32Array(capacity);
const tick = PressFirmware.prototype.tick;
firmware.tick = function meteredTick(this: PressFirmware) {
  firmwareUnits = 0;
  halUnits = 0;
  resetMeter(0, 0);
  tick.call(this);
  firmwareUnits += resetMeter(0, 0);
  const used = firmwareUnits + halUnits;
  if (count < capacity) {
    firmwareMeters[count] = firmwareUnits;
    halMeters[count] = halUnits;
  }
  if (used > maxUsed) {
    maxUsed = used;
    const seq = this.sequencer;
    maxAt = 'tick ' + count + ', state ' + seq.state + ', step ' + (seq.stepIndex + 1);
  }
  if (count < capacity) {
    meters[count] = used;
    const seq = this.sequencer;
    inHold[count] = seq.active && seq.program !== null && seq.program.kind[seq.stepIndex] === StepKind.hold ? 1 : 0;
    count++;
  }
};
const result = runSession(session, { traceEveryTicks: 0 });

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values.length === 0 ? NaN : values[Math.floor(values.length / 2)];
}
const all: number[] = [];
const hold: number[] = [];
const firmwareOnly: number[] = [];
const firmwareHold: number[] = [];
const hal: number[] = [];
for (let i = 0; i < count; i++) {
  all.push(meters[i]);
  firmwareOnly.push(firmwareMeters[i]);
  hal.push(halMeters[i]);
  if (inHold[i] === 1) {
    hold.push(meters[i]);
    firmwareHold.push(firmwareMeters[i]);
  }
}
const holdMedian = median(hold);
const sorted = all.slice().sort((a, b) => a - b);
print('RESULT ' + JSON.stringify({
  ticks: count,
  median: median(all),
  p99: sorted[Math.floor(sorted.length * 0.99)],
  max: sorted[sorted.length - 1],
  maxAt,
  holdTicks: hold.length,
  holdMedian,
  firmwareMedian: median(firmwareOnly),
  firmwareHoldMedian: median(firmwareHold),
  halMedian: median(hal),
  result: result.report === null ? 'invalid' : result.report.result,
}));
`;

async function measure(splitHal: boolean): Promise<MeterSummary> {
  const run = await runInXs(sourceFor(splitHal));
  if (run.exitCode !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  return extractJson<MeterSummary>(run.stdout, 'RESULT ');
}
// The plain run gives the figures; the second one, with the HAL calls wrapped (the wrappers
// cost a few dozen units each), only how much of the tick the simulated HAL's bodies take.
const summary = await measure(false);
const split = await measure(true);
if (summary.ticks < 10000 || summary.result !== 'completed') {
  console.error(`bench: run did not complete enough ticks: ${JSON.stringify(summary)}`);
  process.exit(1);
}
console.log(`bench: ${EXAMPLE} dry run in XS, ${summary.ticks} control ticks metered (result ${summary.result})`);
console.log(`bench: per tick: median ${summary.median}, p99 ${summary.p99}, max ${summary.max} (${summary.maxAt}); hold steps only: median ${summary.holdMedian} over ${summary.holdTicks} ticks`);
const firmwareOnly = summary.median - split.halMedian;
console.log(`bench: of which the simulated HAL's bodies (converter FIFO, leased outputs, clock, panel; native drivers on the board): median ${split.halMedian}`);
console.log(`bench: the firmware's own share, median tick minus median HAL bodies: ${firmwareOnly} (hold steps ${summary.holdMedian - split.halMedian})`);
console.log(`xs-tick-meter-firmware: ${firmwareOnly}`);
console.log(`xs-tick-meter: ${summary.median}`);
