import { dryRun } from '../../host-sim/scenario';
import { validateProgram, formatValidationError } from '../../src/programs/validate';
import { detExp, detLn } from '../../host-sim/physics/detmath';
import { SeededRandom } from '../../host-sim/physics/rng';
import { parseJson } from '../../src/json/parse-json';
import { DEVICE } from './programs-summary';

/**
 * What the XS suite compares between engines. Runs unchanged in Node and, bundled, in XS:
 * the dry run of a program, the validator's messages for a bad program, and raw samples of
 * the deterministic maths and noise the simulator is built on. (The program pipeline —
 * parser, validator, flash codec — has its own comparison: programs-summary.ts.)
 */
export function engineSummary(programText: string, seed: number) {
  const parsed = parseJson(programText);
  if (!parsed.ok) throw new Error(`example does not parse: ${parsed.message}`);
  const run = dryRun(parsed.value, { seed, traceEveryTicks: 0 });
  const bad = validateProgram(
    { format: 'press-program/1', name: 'x y', die: { diameter_mm: 10, max_pressure_MPa: 740 }, steps: [{ type: 'ramp', to_MPa: 800, rate_MPa_s: 0 }] },
    DEVICE,
  );
  const random = new SeededRandom(seed);
  const maths: number[] = [];
  for (let i = 0; i < 64; i++) {
    const x = (random.next() - 0.5) * 60;
    maths.push(detExp(x), detLn(Math.abs(x) + 1e-3), random.gaussian());
  }
  return {
    report: run.report,
    layers: run.layers,
    ticks: run.ticks,
    simTimeS: run.simTimeS,
    overruns: run.overruns,
    validatorMessages: bad.errors.map(formatValidationError),
    maths,
  };
}
