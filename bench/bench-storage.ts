// npm run bench:storage — the full storage torture on the press's real partition (1 MB: 160
// blocks of programs, calibration and settings, 96 blocks of run log): 31 programs stored (ten
// of them 8 KB), then a power cut at every write position of save (an 8 KB program), replace,
// a replace that collects garbage, delete, calibrate, settings, a run-log append and a run-log erase (64 damage patterns), each
// followed by a random bit flip and a reboot, shared between one process per core. The
// collecting replace moves about 200 KB before it erases: it is cut at 20 000 evenly spaced
// positions.
// `-- --stride N` tries every Nth position.
// The last line: `storage: <cuts> cuts, <lost> lost, <bad> corrupt accepted`. A full run (every
// position) writes bench/results/storage.json.
import { SimFlash } from '../host-sim/hal/sim-flash';
import { SIM_PARTITION_BYTES } from '../host-sim/simulator';
import { PressStore, storeLayout } from '../src/store/press-store';
import { RunOutcome, SampleBatch, StepSummary } from '../src/store/run-journal';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { programOfSize, runTorture } from './storage-torture';
import type { DamageResult, OperationResult, TortureOptions } from './storage-torture';
import { writeResults } from './results';

/** Rated erase cycles of the NOR flash on ESP32 modules (100 000 per sector, e.g. W25Q32/GD25Q32 datasheets). */
const RATED_ERASE_CYCLES = 100_000;
const WEAR_DAYS = 30;

/**
 * A busy lab, simulated without cuts: each day 20 program uploads (replacing programs of
 * 600 B to 8 KB), the settings saved once, 40 runs of 20 min logged at 10 Hz (12 000 samples
 * and 10 step summaries each), a calibration every 30 days. Erases are counted per block and
 * the busiest block's rate is projected to the rated cycles.
 */
interface AreaWear {
  area: string;
  leastErases: number;
  mostErases: number;
  busiestPerDay: number;
  yearsToRatedCycles: number;
}

function wearOfBusyLab(): AreaWear[] {
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
      for (let n = 0; n < 12_000; n += 128) {
        if (journal.needsErase) journal.eraseAhead();
        journal.appendSamples(Object.assign(new SampleBatch(samples, samples), { targetMPa: 100, kNPerMPa: 0.0785, runId: runId, startMs: n * 100, intervalMs: 100, step: 0, state: 1, from: 0, count: Math.min(128, 12_000 - n) } satisfies Partial<SampleBatch>));
      }
      for (let step = 0; step < 10; step++) {
        if (journal.needsErase) journal.eraseAhead();
        journal.appendStep(Object.assign(new StepSummary(), { runId: runId, step: step, kind: 1, targetMPa: 100, reachedMPa: 100, peakMPa: 100, holdErrorP99MPa: 0.01, startS: step * 120, durationS: 120 } satisfies Partial<StepSummary>));
      }
      if (journal.needsErase) journal.eraseAhead();
      journal.endRun(runId, RunOutcome.completed, 0, 1_200_000, 100);
    }
  }
  const area = (first: number, count: number) => [...erasesPerBlock.subarray(first, first + count)];
  const wear: AreaWear[] = [];
  for (const [name, counts] of [['programs, calibration, settings', area(layout.objectFirstBlock, layout.objectBlocks)], ['run log', area(layout.logFirstBlock, layout.logBlocks)]] as const) {
    const most = Math.max(...counts);
    const least = Math.min(...counts);
    const perDay = most / WEAR_DAYS;
    const years = perDay > 0 ? RATED_ERASE_CYCLES / perDay / 365 : Infinity;
    wear.push({ area: name, leastErases: least, mostErases: most, busiestPerDay: Math.round(perDay * 100) / 100, yearsToRatedCycles: Math.round(years) });
    console.log(`bench-storage: wear, ${name}: ${WEAR_DAYS} busy days → ${least}..${most} erases per block (busiest ${perDay.toFixed(2)}/day) → ${years === Infinity ? 'no wear' : `${Math.round(years)} years`} to ${RATED_ERASE_CYCLES} cycles`);
  }
  return wear;
}

/** Blocks damaged beyond a power cut (random bytes, a burst, zeroed), one per reboot. */
const DAMAGE_TRIALS = 1000;

const strideArg = process.argv.indexOf('--stride');
const stride = strideArg > 0 ? Number(process.argv[strideArg + 1]) : 1;
if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`--stride: ${process.argv[strideArg + 1]} is not a whole number ≥ 1`);

/** One share of the torture (a child process): prints each operation's result as JSON. */
function runShard(index: number, count: number): void {
  const result = runTorture({ ...tortureOptions(), shard: { index, count } });
  for (const op of result.operations) console.log(`RESULT ${JSON.stringify(op)}`);
  console.log(`DAMAGE ${JSON.stringify(result.damage)}`);
}

function tortureOptions(): TortureOptions {
  const layout = storeLayout(new SimFlash(SIM_PARTITION_BYTES));
  const programBytes = Array.from({ length: 31 }, (_, i) => (i % 3 === 0 ? 8150 : 500 + 40 * i));
  return { layout, blockBytes: 4096, programBytes, savedProgramBytes: 8150, runs: 20, samplesPerRun: 600, stride, maxCutsPerOperation: 20_000, flipBits: true, seed: 2026, damageTrials: DAMAGE_TRIALS };
}

/** Shares the cuts between `jobs` child processes (one per core) and adds up their results. */
async function runAll(jobs: number): Promise<{ operations: OperationResult[]; damage: DamageResult }> {
  const here = fileURLToPath(import.meta.url);
  const outputs = await Promise.all(
    Array.from({ length: jobs }, (_, index) => {
      const child = spawn(process.execPath, [...process.execArgv, here, '--shard', `${index}/${jobs}`, '--stride', String(stride)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return new Promise<{ operations: OperationResult[]; damage: DamageResult }>((resolve, reject) =>
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`bench-storage: shard ${index} exited ${code}`));
          const lines = text.split('\n');
          const operations = lines.filter((line) => line.startsWith('RESULT ')).map((line) => JSON.parse(line.slice(7)) as OperationResult);
          const damage = JSON.parse((lines.find((line) => line.startsWith('DAMAGE ')) as string).slice(7)) as DamageResult;
          resolve({ operations, damage });
        }),
      );
    }),
  );
  const operations = outputs[0].operations.map((op, k) => {
    const sum = (key: 'cuts' | 'lost' | 'corruptAccepted' | 'stuck' | 'logRecordsRejected' | 'mountsReportingDamage' | 'silentLosses') => outputs.reduce((total, shard) => total + shard.operations[k][key], 0);
    return {
      ...op,
      cuts: sum('cuts'),
      lost: sum('lost'),
      corruptAccepted: sum('corruptAccepted'),
      stuck: sum('stuck'),
      logRecordsRejected: sum('logRecordsRejected'),
      mountsReportingDamage: sum('mountsReportingDamage'),
      silentLosses: sum('silentLosses'),
    };
  });
  const damage = { ...outputs[0].damage };
  for (const key of Object.keys(damage) as (keyof DamageResult)[]) damage[key] = outputs.reduce((total, shard) => total + shard.damage[key], 0);
  return { operations, damage };
}

const shardArg = process.argv.indexOf('--shard');
if (shardArg > 0) {
  const [index, count] = process.argv[shardArg + 1].split('/').map(Number);
  runShard(index, count);
} else {
  const wear = wearOfBusyLab();
  const options = tortureOptions();
  const jobs = Math.max(1, availableParallelism());
  const started = performance.now();
  console.log(
    `bench-storage: partition ${SIM_PARTITION_BYTES / 1024} KB (objects ${options.layout.objectBlocks} blocks, run log ${options.layout.logBlocks} blocks), ${options.programBytes.length} programs stored, ` +
      `every ${stride === 1 ? '' : `${stride}th `}write position, a bit flip after each cut, ${jobs} processes`,
  );
  const { operations, damage } = await runAll(jobs);
  for (const op of operations) {
    console.log(
      `bench-storage: ${op.name.padEnd(19)} ${String(op.positions).padStart(6)} positions (${op.erases} erases), ${String(op.cuts).padStart(6)} cuts (${op.stride === 1 ? 'every position' : `every ${op.stride}th`}): ${op.lost} lost, ${op.corruptAccepted} corrupt accepted, ${op.stuck} stuck, ${op.logRecordsRejected} log records rejected after a flip, ${op.mountsReportingDamage} mounts reported damage, ${op.silentLosses} silent losses`,
    );
  }
  const total = (key: 'cuts' | 'lost' | 'corruptAccepted' | 'stuck' | 'mountsReportingDamage' | 'silentLosses') => operations.reduce((sum, op) => sum + op[key], 0);
  console.log(`bench-storage: ${total('stuck')} cuts left the store unable to take a new program; ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(
    `bench-storage: damage, ${damage.mounts} reboots after a block's bytes were destroyed (random, a burst, zeroed): ${damage.mountsWithLoss} lost something (${damage.itemsLost} items, ${damage.rolledBack} of them programs back at an older version), ` +
      `${damage.mountsReportingDamage} mounts reported damage, ${damage.silentLosses} silent losses, ${damage.corruptAccepted} corrupt accepted; programs lost ${damage.programsLost}, named ${damage.programsNamed}`,
  );
  console.log(`storage: ${total('cuts')} cuts, ${total('lost')} lost, ${total('corruptAccepted')} corrupt accepted; mounts: ${total('mountsReportingDamage') + damage.mountsReportingDamage} reported damage, ${total('silentLosses') + damage.silentLosses} silent losses`);
  const wallS = Math.round((performance.now() - started) / 1000);
  const ok = total('lost') === 0 && total('corruptAccepted') === 0 && total('stuck') === 0 && total('silentLosses') === 0 && damage.silentLosses === 0 && damage.corruptAccepted === 0;
  if (stride === 1) {
    writeResults('storage', 'npm run bench:storage', {
      partition: { bytes: SIM_PARTITION_BYTES, objectBlocks: options.layout.objectBlocks, logBlocks: options.layout.logBlocks, programsStored: options.programBytes.length, programsOf8KB: options.programBytes.filter((bytes) => bytes > 8000).length, loggedRuns: options.runs },
      processes: jobs,
      wallS,
      operations,
      totals: { cuts: total('cuts'), lost: total('lost'), corruptAccepted: total('corruptAccepted'), stuck: total('stuck'), mountsReportingDamage: total('mountsReportingDamage'), silentLosses: total('silentLosses') },
      damage,
      wear: { days: WEAR_DAYS, ratedEraseCycles: RATED_ERASE_CYCLES, areas: wear },
      ok,
    });
  }
  process.exit(ok ? 0 : 1);
}
