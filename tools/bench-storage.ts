// npm run bench:storage — the full storage torture on the press's real partition (1 MB: 160
// blocks of programs, calibration and settings, 96 blocks of run log): 31 programs stored (ten
// of them 8 KB), then a power cut at every write position of save (an 8 KB program), replace,
// delete, calibrate, settings, a run-log append and a run-log erase (64 damage patterns), each
// followed by a random bit flip and a reboot. `-- --stride N` tries every Nth position.
// The last line: `storage: <cuts> cuts, <lost> lost, <bad> corrupt accepted`.
import { SimFlash } from '../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../host-sim/simulator';
import { PressStore, storeLayout } from '../src/store/press-store';
import { RunOutcome } from '../src/store/run-journal';
import { programOfSize, runTorture } from './storage-torture';

/** Rated erase cycles of the NOR flash on ESP32 modules (100 000 per sector, e.g. W25Q32/GD25Q32 datasheets). */
const RATED_ERASE_CYCLES = 100_000;
const WEAR_DAYS = 30;

/**
 * A busy lab, simulated without cuts: each day 20 program uploads (replacing programs of
 * 600 B to 8 KB), the settings saved once, 40 runs of 20 min logged at 10 Hz (12 000 samples
 * and 10 step summaries each), a calibration every 30 days. Erases are counted per block and
 * the busiest block's rate is projected to the rated cycles.
 */
function wearOfBusyLab(): void {
  const flash = new SimFlash(SIM_PARTITION_BYTES);
  const layout = storeLayout(flash);
  const erasesPerBlock = new Uint32Array(SIM_PARTITION_BYTES / 4096);
  const erase = flash.eraseBlock.bind(flash);
  flash.eraseBlock = (block: number) => {
    erasesPerBlock[block]++;
    erase(block);
  };
  const store = new PressStore(flash, layout);
  store.mount();
  for (let i = 0; i < 31; i++) store.saveProgram(programOfSize(`program-${i}`, i % 3 === 0 ? 8150 : 500 + 40 * i, i));
  erasesPerBlock.fill(0);
  const samples = new Float32Array(256).map((_, i) => 100 + Math.sin(i / 10));
  let uploads = 0;
  for (let day = 0; day < WEAR_DAYS; day++) {
    for (let u = 0; u < 20; u++, uploads++) store.saveProgram(programOfSize(`program-${uploads % 31}`, uploads % 3 === 0 ? 8150 : 600 + 37 * (uploads % 50), uploads));
    store.saveSettings(new Map<string, number | string>([['instrument.serial', 'PX-0001'], ['day', day]]));
    if (day % 30 === 0) store.addCalibration({ dateS: 1_790_000_000 + day * 86_400, reference: 'proving ring PR-1', calibration: { tareCounts: 100, kNPerCount: 1e-5 }, worstErrorPercent: 0.2 });
    for (let run = 0; run < 40; run++) {
      const journal = store.journal;
      if (journal.needsErase) journal.eraseAhead();
      const runId = journal.beginRun('program-1', 1, 0);
      for (let n = 0; n < 12_000; n += 256) {
        if (journal.needsErase) journal.eraseAhead();
        journal.appendSamples(runId, n * 100, 100, 0, 1, samples, 0, Math.min(256, 12_000 - n));
      }
      for (let step = 0; step < 10; step++) {
        if (journal.needsErase) journal.eraseAhead();
        journal.appendStep(runId, step, 1, 100, 100, 100, 0.01, step * 120, 120);
      }
      if (journal.needsErase) journal.eraseAhead();
      journal.endRun(runId, RunOutcome.completed, 0, 1_200_000, 100);
    }
  }
  const area = (first: number, count: number) => [...erasesPerBlock.subarray(first, first + count)];
  for (const [name, counts] of [['programs, calibration, settings', area(layout.objectFirstBlock, layout.objectBlocks)], ['run log', area(layout.logFirstBlock, layout.logBlocks)]] as const) {
    const most = Math.max(...counts);
    const least = Math.min(...counts);
    const perDay = most / WEAR_DAYS;
    const years = perDay > 0 ? RATED_ERASE_CYCLES / perDay / 365 : Infinity;
    console.log(`bench-storage: wear, ${name}: ${WEAR_DAYS} busy days → ${least}..${most} erases per block (busiest ${perDay.toFixed(2)}/day) → ${years === Infinity ? 'no wear' : `${Math.round(years)} years`} to ${RATED_ERASE_CYCLES} cycles`);
  }
}

const strideArg = process.argv.indexOf('--stride');
const stride = strideArg > 0 ? Number(process.argv[strideArg + 1]) : 1;
if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`--stride: ${process.argv[strideArg + 1]} is not a whole number ≥ 1`);

wearOfBusyLab();
const layout = storeLayout(new SimFlash(SIM_PARTITION_BYTES));
const programBytes = Array.from({ length: 31 }, (_, i) => (i % 3 === 0 ? 8150 : 500 + 40 * i));
const started = performance.now();
console.log(`bench-storage: partition ${SIM_PARTITION_BYTES / 1024} KB (objects ${layout.objectBlocks} blocks, run log ${layout.logBlocks} blocks), ${programBytes.length} programs stored, every ${stride === 1 ? '' : `${stride}th `}write position, a bit flip after each cut`);
const result = runTorture(
  { layout, blockBytes: 4096, programBytes, savedProgramBytes: 8150, runs: 60, samplesPerRun: 1500, stride, flipBits: true, seed: 2026 },
  (op) => {
    const wallS = (performance.now() - started) / 1000;
    console.log(
      `bench-storage: ${op.name.padEnd(15)} ${String(op.positions).padStart(6)} positions (${op.erases} erases), ${String(op.cuts).padStart(6)} cuts: ${op.lost} lost, ${op.corruptAccepted} corrupt accepted, ${op.stuck} stuck, ${op.logRecordsRejected} log records rejected after a flip  [${wallS.toFixed(0)} s]`,
    );
  },
);
console.log(`bench-storage: ${result.stuck} cuts left the store unable to take a new program`);
console.log(`storage: ${result.cuts} cuts, ${result.lost} lost, ${result.corruptAccepted} corrupt accepted`);
process.exit(result.lost === 0 && result.corruptAccepted === 0 && result.stuck === 0 ? 0 : 1);
