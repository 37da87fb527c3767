import type { Plant } from '../plants';
import { simulatedPressCharacter } from '../simulator';
import type { SimulatorOptions } from '../simulator';
import { forecastProgram } from '../../src/control/feasibility';
import type { Forecast } from '../../src/control/feasibility';
import type { CompiledProgram } from '../../src/programs/compile';
import { stepName } from '../../src/programs/compile';

/** The feasibility forecast of a program on a simulated plant (the character its commissioning would measure). */
export function forecastOnPlant(program: CompiledProgram, plant: Plant, loopRateHz: number): Forecast {
  const character = simulatedPressCharacter({ press: plant.press, sensor: plant.sensor, maxRateMPaPerS: plant.maxRateMPaPerS } as SimulatorOptions);
  return forecastProgram(program, character, loopRateHz);
}

const mpa = (value: number) => (value === value ? value.toFixed(2) : '–');

/** One line per step that ramps or holds: what to expect, and the warning when there is one. */
export function formatForecast(program: CompiledProgram, forecast: Forecast, plantName: string): string[] {
  const lines = [`forecast on ${plantName}:`];
  for (const step of forecast.steps) {
    const parts: string[] = [];
    if (step.overshootMPa === step.overshootMPa) parts.push(`overshoot ≈ ${mpa(step.overshootMPa)} MPa`);
    if (step.rampRatePct === step.rampRatePct && step.rampRatePct < 100) parts.push(`rate ≈ ${step.rampRatePct.toFixed(0)} % of programmed`);
    if (step.holdErrorMPa === step.holdErrorMPa) parts.push(`hold error ≈ ±${mpa(step.holdErrorMPa)} MPa (band ±${mpa(step.toleranceMPa)})`);
    if (step.inBandPct === step.inBandPct) parts.push(`in band ≈ ${step.inBandPct.toFixed(step.inBandPct >= 99.95 ? 0 : 1)} % of the time`);
    if (parts.length === 0) continue;
    lines.push(`  step ${step.index + 1} ${stepName(program, step.index)} (${step.targetMPa} MPa): ${parts.join(', ')}${step.warning !== '' ? `\n    warning: ${step.warning}` : ''}`);
  }
  if (forecast.warnings.length === 0) lines.push('  no warnings: every step is forecast within its band');
  return lines;
}
