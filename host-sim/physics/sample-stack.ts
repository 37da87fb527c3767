import { detExp, detLn } from './detmath';
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
 * that it is elastic (the springback on release), above it compacts further along the
 * Heckel curve. Time-dependent shortening — relaxation of loaded powder, creep of lithium,
 * relaxation of a cell fixture — comes from advance().
 */
export class SampleStack {
  readonly materials: Material[] = [];
  readonly massKg: number[] = [];
  /** Highest die pressure each layer has carried (MPa). */
  readonly peakMPa: number[] = [];
  /** Relative density of each layer at its peak pressure (cached: it changes only in load()). */
  private readonly density: number[] = [];
  /** Powder: stack time at which the layer last reached a new peak (start of its relaxation). */
  private readonly peakTimeS: number[] = [];
  /** Metal foil: remaining creepable fraction φ (thickness = h0·(fmin + (1 − fmin)·φ)). */
  private readonly creepFraction: number[] = [];
  /** Fixture: relaxation displacement u, m. */
  private readonly fixtureCreepM: number[] = [];
  /** Total time-dependent shortening so far, m (for checks). */
  creepM = 0;
  timeS = 0;
  /** Compliance cache: recomputed only when the pressure or the layers change. */
  private cachedComplianceAtMPa = NaN;
  private cachedCompliance = 0;

  constructor(readonly dieAreaM2: number) {}

  addLayer(material: Material, massKg: number): void {
    this.materials.push(material);
    this.massKg.push(material.kind === 'fixture' ? 0 : massKg);
    this.peakMPa.push(0);
    this.density.push(material.kind === 'powder' ? compactionDensity(material, 0) : 1);
    this.peakTimeS.push(this.timeS);
    this.creepFraction.push(1);
    this.fixtureCreepM.push(0);
    this.cachedComplianceAtMPa = NaN;
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
    if (m.kind === 'fixture') return 0;
    const solid = this.massKg[i] / (m.densityKgPerM3 * this.dieAreaM2 * this.relativeDensity(i));
    if (m.kind !== 'metal') return solid;
    return solid * (m.minThicknessFraction + (1 - m.minThicknessFraction) * this.creepFraction[i]);
  }

  /** Tangent axial compliance of the whole stack at die pressure pMPa (m/N); 0 for an empty die. */
  complianceMPerN(pMPa: number): number {
    if (this.cacheValidAt(pMPa)) return this.cachedCompliance;
    let compliance = 0;
    const area = this.dieAreaM2;
    for (let i = 0; i < this.materials.length; i++) {
      const m = this.materials[i];
      if (m.kind === 'fixture') {
        compliance += 1 / m.stiffnessNPerM;
        continue;
      }
      const thickness = this.thicknessM(i);
      if (m.kind === 'foil' || m.kind === 'metal') {
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
    this.cachedComplianceAtMPa = pMPa;
    this.cachedCompliance = compliance;
    return compliance;
  }

  /**
   * The tangent compliance is smooth in pressure except where a powder layer passes its
   * peak (elastic ↔ compacting): reuse it within 0.02 MPa on the same side of every peak.
   */
  private cacheValidAt(pMPa: number): boolean {
    const cached = this.cachedComplianceAtMPa;
    if (!(pMPa - cached <= 0.02 && cached - pMPa <= 0.02)) return false;
    for (let i = 0; i < this.peakMPa.length; i++) {
      const peak = this.peakMPa[i];
      if (pMPa >= peak !== cached >= peak) return false;
    }
    return true;
  }

  /** Records the die pressure now carried: layers loaded past their peak compact further. */
  load(pMPa: number): void {
    for (let i = 0; i < this.peakMPa.length; i++) {
      if (pMPa > this.peakMPa[i]) {
        this.peakMPa[i] = pMPa;
        this.peakTimeS[i] = this.timeS;
        const m = this.materials[i];
        if (m.kind === 'powder') {
          this.density[i] = compactionDensity(m, pMPa);
          this.cachedComplianceAtMPa = NaN;
        }
      }
    }
  }

  /**
   * Advances the time-dependent behaviour by dtS at die pressure pMPa (carried force
   * forceN) and returns the shortening of the stack over the step, m. Exact exponential
   * updates for the fast processes, so large steps stay stable.
   */
  advance(dtS: number, pMPa: number, forceN: number): number {
    let shortening = 0;
    const t = this.timeS;
    for (let i = 0; i < this.materials.length; i++) {
      const m = this.materials[i];
      if (m.kind === 'powder') {
        // Relaxation while the layer carries at least 80 % of its peak.
        if (pMPa > 1 && pMPa >= 0.8 * this.peakMPa[i]) {
          const modulus = m.denseModulusPa * powInt(this.density[i], m.modulusExponent);
          const strain = (pMPa * MPA) / modulus;
          shortening += this.thicknessM(i) * strain * m.relaxA * (dtS / (m.relaxT0S + (t - this.peakTimeS[i])));
        }
      } else if (m.kind === 'metal') {
        const effectiveMPa = m.confinement * pMPa - m.yieldMPa;
        const phi = this.creepFraction[i];
        if (effectiveMPa > 0 && phi > 0) {
          const rate = m.creepPrefactorPerS * detExp(m.creepExponent * detLn(effectiveMPa));
          const next = phi * detExp(-rate * dtS);
          const solid = this.massKg[i] / (m.densityKgPerM3 * this.dieAreaM2);
          shortening += solid * (1 - m.minThicknessFraction) * (phi - next);
          this.creepFraction[i] = next;
          this.cachedComplianceAtMPa = NaN;
        }
      } else if (m.kind === 'fixture') {
        const target = (m.relaxFraction * forceN) / m.stiffnessNPerM;
        const u = this.fixtureCreepM[i];
        const next = target + (u - target) * detExp(-dtS / m.relaxTauS);
        // A fixture only relaxes under load; unloading does not pull it back past zero.
        const clamped = next > 0 ? next : 0;
        shortening += clamped - u;
        this.fixtureCreepM[i] = clamped;
      }
    }
    this.timeS = t + dtS;
    this.creepM += shortening;
    return shortening;
  }
}

function powInt(x: number, n: number): number {
  let result = 1;
  for (let i = 0; i < n; i++) result *= x;
  return result;
}
