// npm run bench:storage — the full storage torture on the press's real partition (1 MB: 160
// blocks of programs, calibration and settings, 96 blocks of run log): 31 programs stored (ten
// of them 8 KB), then a power cut at every write position of save (an 8 KB program), replace,
// delete, calibrate, settings, a run-log append and a run-log erase (64 damage patterns), each
// followed by a random bit flip and a reboot. `-- --stride N` tries every Nth position.
// The last line: `storage: <cuts> cuts, <lost> lost, <bad> corrupt accepted`.
import { SimFlash } from '../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../host-sim/simulator';
import { storeLayout } from '../src/store/press-store';
import { runTorture } from './storage-torture';

const strideArg = process.argv.indexOf('--stride');
const stride = strideArg > 0 ? Number(process.argv[strideArg + 1]) : 1;
if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`--stride: ${process.argv[strideArg + 1]} is not a whole number ≥ 1`);

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
