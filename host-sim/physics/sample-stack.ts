import { detExp } from './detmath';
import type { Material, PowderMaterial } from './materials';

const MPA = 1e6;

/** Relative density on the loading (compaction) curve at die pressure pMPa. */
export function compactionDensity(m: PowderMaterial, pMPa: number): number {
  const heckel = 1 - detExp(-(m.heckelKPerMPa * pMPa + m.heckelA));
  const heckelAtZero = 1 - detExp(-m.heckelA);
  const d = heckel - (heckelAtZero - m.fillRelativeDensity) * detExp(-pMPa / m.fillDecayMPa);
  return d < m.maxRelativeDensity ? d : m.maxRelativeDensity;
}

/** dD/dP (1/MPa) on the loading curve; 0 once the density cap is reached. */
export function compactionSlopePerMPa(m: PowderMaterial, pMPa: number): number {
  if (compactionDensity(m, pMPa) >= m.maxRelativeDensity) return 0;
  const heckelAtZero = 1 - detExp(-m.heckelA);
  return (
    m.heckelKPerMPa * detExp(-(m.heckelKPerMPa * pMPa + m.heckelA)) +
    ((heckelAtZero - m.fillRelativeDensity) / m.fillDecayMPa) * detExp(-pMPa / m.fillDecayMPa)
  );
}

/**
 * The layers in the die, loaded in series: every layer carries the same die pressure.
 * Each powder layer remembers the highest pressure it has seen (its plastic state); below
 * that it is elastic, above it compacts further along the Heckel curve.
 */
export class SampleStack {
  readonly materials: Material[] = [];
  readonly massKg: number[] = [];
  /** Highest die pressure each layer has carried (MPa). */
  readonly peakMPa: number[] = [];
  /** Relative density of each layer at its peak pressure (cached: it changes only in load()). */
  private readonly density: number[] = [];

  constructor(readonly dieAreaM2: number) {}

  addLayer(material: Material, massKg: number): void {
    this.materials.push(material);
    this.massKg.push(massKg);
    this.peakMPa.push(0);
    this.density.push(material.kind === 'powder' ? compactionDensity(material, 0) : 1);
  }

  get layerCount(): number {
    return this.materials.length;
  }

  /** Relative density of layer i in its present state. */
  relativeDensity(i: number): number {
    return this.density[i];
  }

  thicknessM(i: number): number {
    const m = this.materials[i];
    return this.massKg[i] / (m.densityKgPerM3 * this.dieAreaM2 * this.relativeDensity(i));
  }

  /** Tangent axial compliance of the whole stack at die pressure pMPa (m/N); 0 for an empty die. */
  complianceMPerN(pMPa: number): number {
    let compliance = 0;
    const area = this.dieAreaM2;
    for (let i = 0; i < this.materials.length; i++) {
      const m = this.materials[i];
      const thickness = this.thicknessM(i);
      if (m.kind === 'foil') {
        compliance += thickness / (m.modulusPa * area);
        continue;
      }
      const d = this.relativeDensity(i);
      const modulus = m.denseModulusPa * powInt(d, m.modulusExponent);
      compliance += thickness / (modulus * area);
      if (pMPa >= this.peakMPa[i]) {
        // Plastic compaction: dh/dF = −(m/(ρ·A·D²))·dD/dP / A, with dD/dP per Pa.
        const slopePerPa = compactionSlopePerMPa(m, pMPa) / MPA;
        compliance += (this.massKg[i] * slopePerPa) / (m.densityKgPerM3 * area * area * d * d);
      }
    }
    return compliance;
  }

  /** Records the die pressure now carried: layers loaded past their peak compact further. */
  load(pMPa: number): void {
    for (let i = 0; i < this.peakMPa.length; i++) {
      if (pMPa > this.peakMPa[i]) {
        this.peakMPa[i] = pMPa;
        const m = this.materials[i];
        if (m.kind === 'powder') this.density[i] = compactionDensity(m, pMPa);
      }
    }
  }
}

function powInt(x: number, n: number): number {
  let result = 1;
  for (let i = 0; i < n; i++) result *= x;
  return result;
}
