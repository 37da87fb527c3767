// npm run golden: writes the golden records (tests/golden/golden-runs.ts) and prints their figures.
// Run it only when a change is meant to change what the press does, and say so in the commit.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, goldenCases, goldenFileName, runGolden } from '../../tests/golden/golden-runs';

mkdirSync(GOLDEN_DIR, { recursive: true });
console.log('example                       plant        seed  result        peak MPa   sim s     ticks  trace sha256');
for (const c of goldenCases()) {
  const record = runGolden(c);
  writeFileSync(path.join(GOLDEN_DIR, goldenFileName(c)), `${JSON.stringify(record, null, 1)}\n`);
  console.log(`${c.example.padEnd(29)} ${c.plant.padEnd(12)} ${String(c.seed).padStart(4)}  ${record.result.padEnd(12)} ${record.peak_MPa.toFixed(3).padStart(9)} ${record.sim_time_s.toFixed(1).padStart(7)} ${String(record.ticks).padStart(9)}  ${record.trace_sha256.slice(0, 16)}`);
}
