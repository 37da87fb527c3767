// npm run bench:sim — how much faster than real time the simulator runs a long maintain step
// (firmware at 100 Hz on the default simulated press, no trace), for 1 h, 24 h and 72 h.
// The goal: a 24 h maintain in ≤ 30 s on this machine (≥ 2 880× real time).
import { dryRun } from '../host-sim/scenario';

const hours = process.argv.slice(2).map(Number).filter((h) => h > 0);
const durationsH = hours.length > 0 ? hours : [1, 24, 72];

function maintainProgram(durationS: number) {
  return {
    format: 'press-program/1',
    name: 'bench-maintain',
    die: { diameter_mm: 10, max_pressure_MPa: 500 },
    steps: [
      { type: 'maintain', at_MPa: 50, duration_s: durationS, band_MPa: 0.5, log_interval_s: 10 },
      { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
    ],
  };
}

// Where the adaptive step comes from: the same hour with fixed 1 ms physics steps.
{
  const started = performance.now();
  const result = dryRun(maintainProgram(3600), { seed: 1, traceEveryTicks: 0, simulator: { adaptiveStep: false } });
  const wallS = (performance.now() - started) / 1000;
  console.log(`bench-sim: 1 h maintain with fixed 1 ms physics steps: ${result.simTimeS.toFixed(0)} s simulated in ${wallS.toFixed(1)} s wall = ${Math.round(result.simTimeS / wallS)}x real time`);
}

for (const h of durationsH) {
  const started = performance.now();
  const result = dryRun(maintainProgram(h * 3600), { seed: 1, traceEveryTicks: 0 });
  const wallS = (performance.now() - started) / 1000;
  const ratio = result.simTimeS / wallS;
  console.log(`bench-sim: ${h} h maintain at 50 MPa: ${result.report?.result}, ${result.ticks} ticks, ${result.simTimeS.toFixed(0)} s simulated in ${wallS.toFixed(1)} s wall = ${Math.round(ratio)}x real time`);
  if (h === 24) console.log(`sim-24h-wall-s: ${wallS.toFixed(1)}`);
}
