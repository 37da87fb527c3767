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
}

/** A dense layer that only deforms elastically (a foil, a spacer). */
export interface FoilMaterial {
  kind: 'foil';
  name: string;
  densityKgPerM3: number;
  modulusPa: number;
}

export type Material = PowderMaterial | FoilMaterial;

export const MATERIALS: Record<string, Material> = {
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
  },
  // NCM811 + Li6PS5Cl composite (~70:30 wt): 10–20 % porosity at 300–500 MPa [est].
  'ncm811-li6ps5cl': {
    kind: 'powder',
    name: 'ncm811-li6ps5cl',
    heckelKPerMPa: 2.3e-3,
    heckelA: 0.85,
    maxRelativeDensity: 0.9,
    fillRelativeDensity: 0.42,
    fillDecayMPa: 8,
    densityKgPerM3: 3100,
    denseModulusPa: 60e9,
    modulusExponent: 3,
  },
  // Li–In alloy foil for the anode (dense; elastic at the pressures used).
  'li-in-foil': {
    kind: 'foil',
    name: 'li-in-foil',
    densityKgPerM3: 900,
    modulusPa: 8e9,
  },
};
