/** Hydraulic press parameters (SI units). Sources in docs/simulator.md. */
export interface PressParams {
  name: string;
  /** Ram (piston) area, m². 10 t at 700 bar ≈ 14.5 cm² [pub: Enerpac]. */
  ramAreaM2: number;
  /** Rated oil pressure, Pa. */
  ratedPressurePa: number;
  /** Oil volume under pressure (pump, hose, cylinder), m³. */
  oilVolumeM3: number;
  /** Effective bulk modulus with entrained air and hoses, Pa [est 0.8–1.2 GPa]. */
  bulkModulusPa: number;
  /** Frame + platen axial stiffness, N/m [est 20–100 kN/mm]. */
  frameStiffnessNPerM: number;
  /** Pump flow at full speed and zero pressure, m³/s [est 0.1–0.5 L/min]. */
  pumpMaxFlowM3PerS: number;
  /** Fraction of flow lost at rated pressure (volumetric efficiency drop). */
  pumpSlipAtRated: number;
  /** Pump motor speed time constant, s. */
  pumpTimeConstantS: number;
  /** Release valve flow coefficient at full opening: Q = c·opening·√p, m³/(s·√Pa). */
  releaseFlowCoef: number;
  /** Release valve first-order time constant, s [est 20–100 ms]. */
  releaseTimeConstantS: number;
  /** Internal leakage Q = C·p, m³/(s·Pa) [fit: 1.4e-17 ≈ 1 %/min]. */
  leakCoefM3PerSPerPa: number;
  /** Relief valve cracking pressure, Pa [est 1.0–1.1 × rated]; above it Q = k·(p − p_crack). */
  reliefCrackPa: number;
  reliefFlowCoefM3PerSPerPa: number;
}

export const PRESS_10T: PressParams = {
  name: '10t-gear-pump',
  ramAreaM2: 14.5e-4,
  ratedPressurePa: 70e6,
  oilVolumeM3: 2.0e-4,
  bulkModulusPa: 1.0e9,
  frameStiffnessNPerM: 5.0e7,
  pumpMaxFlowM3PerS: 2.5e-6,
  pumpSlipAtRated: 0.1,
  pumpTimeConstantS: 0.05,
  releaseFlowCoef: 7e-10,
  releaseTimeConstantS: 0.05,
  leakCoefM3PerSPerPa: 1.4e-17,
  reliefCrackPa: 73.5e6,
  reliefFlowCoefM3PerSPerPa: 1e-11,
};
