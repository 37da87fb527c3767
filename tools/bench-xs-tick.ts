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
  result: string;
}

const source = `
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
const tick = PressFirmware.prototype.tick;
firmware.tick = function meteredTick(this: PressFirmware) {
  resetMeter(0, 0);
  tick.call(this);
  const used = resetMeter(0, 0);
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
for (let i = 0; i < count; i++) {
  all.push(meters[i]);
  if (inHold[i] === 1) hold.push(meters[i]);
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
  result: result.report === null ? 'invalid' : result.report.result,
}));
`;

const run = await runInXs(source);
if (run.exitCode !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const summary = extractJson<MeterSummary>(run.stdout, 'RESULT ');
if (summary.ticks < 10000 || summary.result !== 'completed') {
  console.error(`bench: run did not complete enough ticks: ${JSON.stringify(summary)}`);
  process.exit(1);
}
console.log(`bench: ${EXAMPLE} dry run in XS, ${summary.ticks} control ticks metered (result ${summary.result})`);
console.log(`bench: per tick: median ${summary.median}, p99 ${summary.p99}, max ${summary.max} (${summary.maxAt}); hold steps only: median ${summary.holdMedian} over ${summary.holdTicks} ticks`);
console.log(`xs-tick-meter: ${summary.median}`);
