/**
 * Hydraulic press parameters (SI units). Equations and sources: docs/simulator.md; numbers
 * tagged [pub] (published), [fit] (fitted through published anchors), [est] (estimate).
 */
export interface PressParams {
  name: string;
  /** Ram (piston) area, m². 10 t at 700 bar ≈ 14.5 cm², 25 t ≈ 33.2 cm² [pub: Enerpac]. */
  ramAreaM2: number;
  /** Rated oil pressure, Pa (700 bar class). */
  ratedPressurePa: number;
  /** Oil volume under pressure (pump, hose, cylinder), m³. */
  oilVolumeM3: number;
  /** Bulk modulus of the oil itself, Pa [est 1.4–1.8 GPa pure; 0.8–1.2 GPa effective with air and hoses]. */
  bulkModulusPa: number;
  /** Entrained air, volume fraction at atmospheric pressure (isothermal gas) [est 0–2 %]. */
  airFraction: number;
  /** Hose and fitting expansion, m³/Pa [est]. */
  hoseComplianceM3PerPa: number;
  /** Frame + platen axial stiffness, N/m [est 20–100 kN/mm]. */
  frameStiffnessNPerM: number;
  /** 'gear': steady flow; 'piston': flow in strokes (half-sine per piston). */
  pumpKind: 'gear' | 'piston';
  /** Pump flow at full speed and zero pressure (mean over strokes), m³/s [est 0.1–0.5 L/min]. */
  pumpMaxFlowM3PerS: number;
  /** Fraction of flow lost at rated pressure (volumetric efficiency drop). */
  pumpSlipAtRated: number;
  /** Pump motor speed time constant, s. */
  pumpTimeConstantS: number;
  /** Piston pump: strokes per second at full speed, and pistons (phase-shifted). */
  pumpStrokesPerS: number;
  pumpPistons: number;
  /** Oil lost back through the outlet check valve while it seats when the pump stops, m³ [est]. */
  checkValveSeatingM3: number;
  /** Release valve flow coefficient at full opening: Q = c·opening·√p, m³/(s·√Pa). */
  releaseFlowCoef: number;
  /** Release valve first-order time constant, s [est 20–100 ms]. */
  releaseTimeConstantS: number;
  /** Internal leakage Q = C·p, m³/(s·Pa) [fit: 1.4e-17 ≈ 1 %/min; worn seals 10–100×]. */
  leakCoefM3PerSPerPa: number;
  /** Relief valve cracking pressure, Pa [est 1.0–1.1 × rated]; above it Q = k·(p − p_crack). */
  reliefCrackPa: number;
  reliefFlowCoefM3PerSPerPa: number;
  /** Ram return spring, N: pulls the ram off the sample when the oil pressure is gone [est]. */
  returnSpringN: number;
  /** Ram seal friction while sliding, N [est 0.5–2 % of the rated force is the upper range]. */
  sealFrictionN: number;
  /** Force to break the ram loose from rest (stick-slip), N [est 3–10 bar × ram area]. */
  sealBreakawayN: number;
  /**
   * Below this ram speed the seal grips again (m/s): what turns slow motion into stick-slip
   * in a model without ram inertia [est]; 0 = the ram keeps sliding while it moves.
   */
  stickSpeedMPerS: number;
  /**
   * Presliding range of the seal, m: how far a stuck ram moves elastically (the seal lip
   * deflecting, not slipping) before the friction reaches breakaway. The seal is then a
   * spring of stiffness F_s / range between ram and bore [est: a few µm for a rod seal;
   * Canudas de Wit et al. 1995 use 15 µm in their LuGre example]. 0: a stuck ram is rigid.
   */
  preslidingM: number;
}

/** The default press: 10 t frame, small gear pump, ADS1220 cell under a 10 mm die. */
export const PRESS_10T: PressParams = Object.freeze({
  name: '10t-gear-pump',
  ramAreaM2: 14.5e-4,
  ratedPressurePa: 70e6,
  oilVolumeM3: 2.0e-4,
  bulkModulusPa: 1.0e9,
  airFraction: 0,
  hoseComplianceM3PerPa: 0,
  frameStiffnessNPerM: 5.0e7,
  pumpKind: 'gear',
  pumpMaxFlowM3PerS: 2.5e-6,
  pumpSlipAtRated: 0.1,
  pumpTimeConstantS: 0.05,
  pumpStrokesPerS: 0,
  pumpPistons: 1,
  checkValveSeatingM3: 0,
  releaseFlowCoef: 7e-10,
  releaseTimeConstantS: 0.05,
  leakCoefM3PerSPerPa: 1.4e-17,
  reliefCrackPa: 73.5e6,
  reliefFlowCoefM3PerSPerPa: 1e-11,
  returnSpringN: 0,
  sealFrictionN: 0,
  sealBreakawayN: 0,
  stickSpeedMPerS: 0,
  preslidingM: 0,
});
