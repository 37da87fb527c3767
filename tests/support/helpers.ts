import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeviceCapabilities } from '../../src/programs/program';
import type { DryRunSession } from '../../host-sim/scenario';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export function readExample(name: string): unknown {
  return JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8'));
}

/** A small valid program; `steps` replaces the default ramp-hold-release. */
export function program(steps?: unknown[], die = { diameter_mm: 10, max_pressure_MPa: 740 }): Record<string, unknown> {
  return {
    format: 'press-program/1',
    name: 'test-program',
    die,
    steps: steps ?? [
      { type: 'ramp', to_MPa: 100, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ],
  };
}

/**
 * Device capabilities for validator tests: the defaults of the firmware on a 100 kN press
 * with a 100 kN cell (its noise 0.0025 % of capacity, the default noise limit / 8).
 */
export const TEST_DEVICE: DeviceCapabilities = {
  maxForceKN: 100,
  loadCellCapacityKN: 100,
  loadCellNoiseKN: 0.0025,
  maxRateMPaPerS: 50,
  maxSteps: 64,
  maxRunSteps: 256,
  panelPromptChars: 80,
  programSlotBytes: 8192,
};

/** Steps the simulator until `until` is true or `maxS` of virtual time passes. */
export function runUntil(session: DryRunSession, until: () => boolean, maxS = 120): void {
  const endUs = session.sim.clock.nowUs + maxS * 1e6;
  while (!until() && session.sim.clock.nowUs < endUs) session.sim.step();
}

/** Steps the simulator for `seconds` of virtual time. */
export function runFor(session: DryRunSession, seconds: number): void {
  runUntil(session, () => false, seconds);
}
