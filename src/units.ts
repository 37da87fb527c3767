/**
 * The one unit-conversion module. Pressure at the die is force over die area:
 * 1 MPa = 1 N/mm², so pressureMPa = forceKN · 1000 / areaMm2.
 */

const QUARTER_PI = Math.PI / 4;

export function dieAreaMm2(diameterMm: number): number {
  return QUARTER_PI * diameterMm * diameterMm;
}

/** Bore of the round die with this area (inverse of dieAreaMm2). */
export function dieDiameterMm(areaMm2: number): number {
  return Math.sqrt(areaMm2 / QUARTER_PI);
}

export function forceKNToPressureMPa(forceKN: number, areaMm2: number): number {
  return (forceKN * 1000) / areaMm2;
}

export function pressureMPaToForceKN(pressureMPa: number, areaMm2: number): number {
  return (pressureMPa * areaMm2) / 1000;
}
