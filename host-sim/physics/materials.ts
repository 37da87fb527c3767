import { deepFreeze } from '../../src/frozen';

/**
 * Sample material presets. Powders follow a Heckel law blended from a loose-fill density
 * (docs/simulator.md; numbers from shared physics reference, tags [pub]/[fit]/[est]).
 */
export interface PowderMaterial {
  kind: 'powder';
  name: string;
  /** Heckel slope K (1/MPa): ln(1/(1−D)) = K·P + A. */
  heckelKPerMPa: number;
  heckelA: number;
  /** Relative density cap (closed porosity the press cannot remove). */
  maxRelativeDensity: number;
  /** Loose-fill relative density and the pressure scale (MPa) over which it blends into Heckel. */
  fillRelativeDensity: number;
  fillDecayMPa: number;
  /** Theoretical (full) density, kg/m³. */
  densityKgPerM3: number;
  /** Young's modulus of the fully dense material (Pa); compact modulus E·D^n. */
  denseModulusPa: number;
  modulusExponent: number;
  /**
   * Stress relaxation at fixed strain once loaded: σ(t) = σ0·[1 − a·ln(1 + t/t0)]
   * [est a 0.01–0.03, t0 ≈ 1 s], modelled as a creep strain rate σ·a / (E·(t0 + t)).
   */
  relaxA: number;
  relaxT0S: number;
}

/** A dense layer that only deforms elastically (a foil, a sintered pellet, a spacer). */
export interface FoilMaterial {
  kind: 'foil';
  name: string;
  densityKgPerM3: number;
  modulusPa: number;
}

/**
 * A soft metal foil that creeps under load (lithium): power-law creep
 * ε̇ = A·(c·σ − σ_y)^n above the yield stress, where c < 1 accounts for the confinement of
 * a thin foil in a die. The foil thins towards minThicknessFraction of its initial
 * thickness as it fills the pores of the surface under it, then stops.
 */
export interface MetalFoilMaterial {
  kind: 'metal';
  name: string;
  densityKgPerM3: number;
  modulusPa: number;
  yieldMPa: number;
  creepPrefactorPerS: number;
  creepExponent: number;
  confinement: number;
  minThicknessFraction: number;
}

/**
 * A stack-pressure cell fixture in series with the sample (bolts, springs, polymer parts):
 * its force at fixed displacement relaxes as P∞ + ΔP·exp(−t/τ) [est τ 0.5–5 h, ΔP/P0
 * 10–30 %]. Its mass is not part of the sample.
 */
export interface FixtureMaterial {
  kind: 'fixture';
  name: string;
  stiffnessNPerM: number;
  relaxFraction: number;
  relaxTauS: number;
}

export type Material = PowderMaterial | FoilMaterial | MetalFoilMaterial | FixtureMaterial;

export const MATERIALS: Record<string, Material> = deepFreeze({
  // Li6PS5Cl argyrodite: 375 MPa → 0.83 [pub], cap 0.92.
  li6ps5cl: {
    kind: 'powder',
    name: 'li6ps5cl',
    heckelKPerMPa: 2.0e-3,
    heckelA: 1.02,
    maxRelativeDensity: 0.92,
    fillRelativeDensity: 0.4,
    fillDecayMPa: 7,
    densityKgPerM3: 1640,
    denseModulusPa: 22e9,
    modulusExponent: 3,
    relaxA: 0.02,
    relaxT0S: 1,
  },
  // 75Li2S–25P2S5 glass: 360 MPa → ≈ 0.90 [pub: Sakuda et al., Sci. Rep. 3, 2261 (2013)].
  'lps-glass': {
    kind: 'powder',
    name: 'lps-glass',
    heckelKPerMPa: 3.5e-3,
    heckelA: 1.03,
    maxRelativeDensity: 0.95,
    fillRelativeDensity: 0.4,
    fillDecayMPa: 6,
    densityKgPerM3: 1850,
    denseModulusPa: 20e9,
    modulusExponent: 3,
    relaxA: 0.03,
    relaxT0S: 1,
  },
  // LLZO powder green body (cold-pressed before sintering) [est K, A].
  'llzo-powder': {
    kind: 'powder',
    name: 'llzo-powder',
    heckelKPerMPa: 0.9e-3,
    heckelA: 0.65,
    maxRelativeDensity: 0.72,
    fillRelativeDensity: 0.35,
    fillDecayMPa: 10,
    densityKgPerM3: 5100,
    denseModulusPa: 150e9,
    modulusExponent: 3,
    relaxA: 0.01,
    relaxT0S: 1,
  },
  // Sintered LLZO pellet: dense ceramic, elastic (E ≈ 150 GPa) [est].
  'llzo-pellet': {
    kind: 'foil',
    name: 'llzo-pellet',
    densityKgPerM3: 5100,
    modulusPa: 150e9,
  },
  // NCM811 + Li6PS5Cl composite (~70:30 wt): 10–20 % porosity at 300–500 MPa [est].
  'ncm811-li6ps5cl': {
    kind: 'powder',
    name: 'ncm811-li6ps5cl',
    heckelKPerMPa: 2.3e-3,
    heckelA: 0.92,
    maxRelativeDensity: 0.9,
    fillRelativeDensity: 0.42,
    fillDecayMPa: 8,
    densityKgPerM3: 3100,
    denseModulusPa: 60e9,
    modulusExponent: 3,
    relaxA: 0.015,
    relaxT0S: 1,
  },
  // Li–In alloy foil for the anode (dense; elastic at the pressures used).
  'li-in-foil': {
    kind: 'foil',
    name: 'li-in-foil',
    densityKgPerM3: 900,
    modulusPa: 8e9,
  },
  // Lithium metal foil: E ≈ 7.8 GPa, yield 0.73–0.81 MPa, n ≈ 6.56 [pub: Masias et al.,
  // J. Mater. Sci. 54, 2585 (2019); LePage et al., J. Electrochem. Soc. 166, A89 (2019)];
  // prefactor 2.2e-3 MPa⁻ⁿ·s⁻¹ at 298 K [fit]; confinement 0.2 and 50 % thinning [est].
  'li-foil': {
    kind: 'metal',
    name: 'li-foil',
    densityKgPerM3: 534,
    modulusPa: 7.8e9,
    yieldMPa: 0.75,
    creepPrefactorPerS: 2.2e-3,
    creepExponent: 6.56,
    confinement: 0.2,
    minThicknessFraction: 0.5,
  },
  // A stack-pressure cell fixture: 20 kN/mm, relaxing 20 % with τ = 2 h [est].
  'cell-fixture': {
    kind: 'fixture',
    name: 'cell-fixture',
    stiffnessNPerM: 2e7,
    relaxFraction: 0.2,
    relaxTauS: 7200,
  },
});
