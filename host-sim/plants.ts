import type { PressParams } from './physics/press';
import { PRESS_10T } from './physics/press';
import type { LoadCellSensorParams } from './hal/sim-loadcell-adc';
import { SENSOR_PRESETS } from './physics/sensors';
import { MATERIALS } from './physics/materials';
import type { LayerSpec } from './simulator';
import { deepFreeze } from '../src/frozen';

/**
 * A plant: the press, its load cell and the sample the simulated operator loads. Plants
 * are JSON (format "press-plant/1", docs/simulator.md) and come as named presets; a file
 * may start from a preset ("extends") and change any parameter.
 */
export interface Plant {
  name: string;
  description: string;
  press: PressParams;
  sensor: LoadCellSensorParams;
  /** Fastest pressure rise the firmware may be asked for at the die, MPa/s. */
  maxRateMPaPerS: number;
  sample: SampleSpec;
}

export interface SampleLayerSpec {
  material: string;
  massMg: number;
}

export interface SampleSpec {
  /** In series with the sample from the start: a cell fixture, a spacer. */
  fixtures: SampleLayerSpec[];
  /** In the die at the start. */
  firstLayer: SampleLayerSpec;
  /** Added by the operator, one at each prompt, in order. */
  promptLayers: SampleLayerSpec[];
}

export const PLANT_FORMAT = 'press-plant/1';

const THREE_LAYER_CELL: SampleSpec = deepFreeze({
  fixtures: [],
  firstLayer: { material: 'li6ps5cl', massMg: 100 },
  promptLayers: [
    { material: 'ncm811-li6ps5cl', massMg: 15 },
    { material: 'li-in-foil', massMg: 7 },
  ],
});

/**
 * The default press: a well-kept 10 t frame with a small gear pump and the imperfections
 * every press has — light seal friction with a breakaway a little above it, a return
 * spring, hoses that breathe, a check valve that loses a drop when it seats, a trace of
 * air. Worn presses are presets of their own (sticky-seals, leaky-seals, air-in-oil).
 */
const DEFAULT_PRESS: PressParams = Object.freeze({
  ...PRESS_10T,
  name: 'press-10t',
  airFraction: 0.001,
  hoseComplianceM3PerPa: 2e-14,
  checkValveSeatingM3: 2e-11,
  returnSpringN: 300,
  sealFrictionN: 60,
  sealBreakawayN: 90,
  preslidingM: 5e-6,
});

const base = (name: string, description: string, press: Partial<PressParams> = {}, extra: Partial<Plant> = {}): Plant => ({
  name,
  description,
  press: { ...DEFAULT_PRESS, ...press, name },
  sensor: SENSOR_PRESETS['ads1220-330sps'],
  maxRateMPaPerS: 50,
  sample: THREE_LAYER_CELL,
  ...extra,
});

/** The default cell scaled to another capacity: fewer counts per newton, noise in proportion. */
const scaledCell = (capacityN: number): LoadCellSensorParams => {
  const cell = SENSOR_PRESETS['ads1220-330sps'];
  const factor = capacityN / cell.capacityN;
  return { ...cell, name: `${cell.name}-${capacityN / 1000}kN`, capacityN, safeOverloadN: cell.safeOverloadN * factor, countsPerN: cell.countsPerN / factor, noiseRmsN: cell.noiseRmsN * factor, driftNPerHour: cell.driftNPerHour * factor, driftLimitN: cell.driftLimitN * factor };
};

/** Ram area for a tonnage at 700 bar, m². */
const ramAreaForTonnes = (tonnes: number) => (tonnes * 9806.65) / 70e6;

const PRESETS: Plant[] = deepFreeze([
  base('press-10t', 'default: 10 t frame, 0.15 L/min gear pump, 50 kN ADS1220 cell at 330 SPS, three-layer Li6PS5Cl cell'),
  base('press-8t', '8 t benchtop frame, softer (40 kN/mm), less oil', { ramAreaM2: ramAreaForTonnes(8), oilVolumeM3: 1.6e-4, frameStiffnessNPerM: 4e7, pumpMaxFlowM3PerS: 2e-6 }),
  base('press-15t', '15 t frame, 0.24 L/min gear pump, 100 kN cell', { ramAreaM2: ramAreaForTonnes(15), oilVolumeM3: 3e-4, frameStiffnessNPerM: 7e7, pumpMaxFlowM3PerS: 4e-6, sealFrictionN: 100, sealBreakawayN: 150, returnSpringN: 450 }, { sensor: scaledCell(100_000) }),
  base('press-25t', '25 t frame, 0.36 L/min gear pump, 250 kN cell', { ramAreaM2: ramAreaForTonnes(25), oilVolumeM3: 5e-4, frameStiffnessNPerM: 1e8, pumpMaxFlowM3PerS: 6e-6, sealFrictionN: 150, sealBreakawayN: 230, returnSpringN: 700 }, { sensor: scaledCell(250_000) }),
  base('press-40t', '40 t frame, 0.48 L/min gear pump, 400 kN cell', { ramAreaM2: ramAreaForTonnes(40), oilVolumeM3: 8e-4, frameStiffnessNPerM: 1.5e8, pumpMaxFlowM3PerS: 8e-6, sealFrictionN: 250, sealBreakawayN: 380, returnSpringN: 1000 }, { sensor: scaledCell(400_000) }),
  base('fast-pump', '10 t with a 0.5 L/min gear pump: 3× the default flow', { pumpMaxFlowM3PerS: 8e-6 }),
  base('slow-piston-pump', '10 t with a single-piston pump, 3 strokes/s, 0.06 L/min: flow in pulses', { pumpKind: 'piston', pumpPistons: 1, pumpStrokesPerS: 3, pumpMaxFlowM3PerS: 1e-6, pumpTimeConstantS: 0.1, checkValveSeatingM3: 5e-11 }),
  base('leaky-seals', '10 t with worn seals and valves: 10× the leakage (≈ 5 %/min at 300 MPa with the pump off)', { leakCoefM3PerSPerPa: 1.4e-16 }),
  base('air-in-oil', '10 t with 2 % entrained air and soft oil (0.8 GPa): spongy at low pressure', { airFraction: 0.02, bulkModulusPa: 0.8e9 }),
  base('sticky-seals', '10 t with dry seals: 0.8 kN friction, 1.2 kN breakaway, stick-slip below 50 µm/s', { sealFrictionN: 800, sealBreakawayN: 1200, returnSpringN: 1000, stickSpeedMPerS: 50e-6, preslidingM: 2e-6 }),
  base('hard-sample', '10 t pressing a sintered LLZO pellet between Li foils: stiff from the first newton', {}, { sample: { fixtures: [], firstLayer: { material: 'llzo-pellet', massMg: 400 }, promptLayers: [{ material: 'li-foil', massMg: 4 }] } }),
  base('soft-sample', '10 t pressing lithium foil on a Li6PS5Cl separator: lithium creeps under load', {}, { sample: { fixtures: [], firstLayer: { material: 'li-foil', massMg: 8 }, promptLayers: [{ material: 'li6ps5cl', massMg: 100 }] } }),
  base('stack-fixture', '10 t loading a stack-pressure cell fixture (20 kN/mm, relaxes 20 % with τ = 2 h) on a Li | Li6PS5Cl cell', {}, { sample: { fixtures: [{ material: 'cell-fixture', massMg: 0 }], firstLayer: { material: 'li6ps5cl', massMg: 100 }, promptLayers: [{ material: 'li-foil', massMg: 8 }] } }),
  ...Object.values(SENSOR_PRESETS).map((sensor) => base(sensor.name, `default press with the load cell read by ${sensor.name}`, {}, { sensor })),
]);

/** Preset plants by name, default first. */
export const PLANT_PRESETS: Readonly<Record<string, Plant>> = Object.freeze(Object.fromEntries(PRESETS.map((plant) => [plant.name, plant])));

export const DEFAULT_PLANT = Object.freeze(PLANT_PRESETS['press-10t']);

/** The simulator's layer specs for a plant's sample. */
export function sampleLayers(sample: SampleSpec): { fixtureLayers: LayerSpec[]; firstLayer: LayerSpec; promptLayers: LayerSpec[] } {
  const layer = (spec: SampleLayerSpec): LayerSpec => ({ material: MATERIALS[spec.material], massMg: spec.massMg });
  return { fixtureLayers: sample.fixtures.map(layer), firstLayer: layer(sample.firstLayer), promptLayers: sample.promptLayers.map(layer) };
}

export type PlantResult = { ok: true; plant: Plant } | { ok: false; errors: string[] };

/**
 * Reads a plant from JSON: a preset to start from ("extends", default press-10t) and the
 * parameters it changes. Every key is checked against the preset's; numbers must be finite
 * and the physical ones positive.
 */
export function plantFromJson(input: unknown): PlantResult {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: ['a plant must be a JSON object'] };
  const json = input as Record<string, unknown>;
  const allowed = ['format', 'name', 'description', 'extends', 'press', 'sensor', 'maxRateMPaPerS', 'sample'];
  for (const key of Object.keys(json)) if (allowed.indexOf(key) < 0) errors.push(`${key}: unknown field (allowed: ${allowed.join(', ')})`);
  if (json.format !== PLANT_FORMAT) errors.push(`format: must be "${PLANT_FORMAT}", got ${JSON.stringify(json.format)}`);
  const parentName = json.extends === undefined ? DEFAULT_PLANT.name : json.extends;
  const parent = typeof parentName === 'string' ? PLANT_PRESETS[parentName] : undefined;
  if (parent === undefined) {
    errors.push(`extends: ${JSON.stringify(parentName)} is not a plant preset (one of ${Object.keys(PLANT_PRESETS).join(', ')})`);
    return { ok: false, errors };
  }
  const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : (errors.push('name: must be a non-empty string'), parent.name);
  const description = typeof json.description === 'string' ? json.description : parent.description;

  const overrideNumbers = <T extends object>(target: T, patch: unknown, path: string): T => {
    if (patch === undefined) return target;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      errors.push(`${path}: must be an object`);
      return target;
    }
    const result = { ...target } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
      const current = result[key];
      if (current === undefined || (key === 'name' && path !== 'sensor')) {
        errors.push(`${path}.${key}: unknown parameter (allowed: ${Object.keys(target).filter((k) => k !== 'name').join(', ')})`);
      } else if (typeof current === 'number') {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) errors.push(`${path}.${key}: must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
        else result[key] = value;
      } else if (typeof current === 'string') {
        if (typeof value !== 'string' || (key === 'pumpKind' && value !== 'gear' && value !== 'piston')) errors.push(`${path}.${key}: ${JSON.stringify(value)} is not allowed`);
        else result[key] = value;
      }
    }
    return result as T;
  };

  const press = overrideNumbers(parent.press, json.press, 'press');
  for (const key of ['ramAreaM2', 'ratedPressurePa', 'oilVolumeM3', 'bulkModulusPa', 'frameStiffnessNPerM', 'pumpTimeConstantS', 'releaseTimeConstantS'] as const) {
    if (!(press[key] > 0)) errors.push(`press.${key}: must be above 0`);
  }
  if (press.sealBreakawayN < press.sealFrictionN) errors.push(`press.sealBreakawayN: ${press.sealBreakawayN} is below sealFrictionN ${press.sealFrictionN} (breaking loose takes at least the sliding friction)`);
  let sensor = parent.sensor;
  if (typeof json.sensor === 'string') {
    const preset = SENSOR_PRESETS[json.sensor];
    if (preset === undefined) errors.push(`sensor: ${JSON.stringify(json.sensor)} is not a sensor preset (one of ${Object.keys(SENSOR_PRESETS).join(', ')})`);
    else sensor = preset;
  } else {
    sensor = overrideNumbers(parent.sensor, json.sensor, 'sensor');
  }
  if (!(sensor.sampleRateSps > 0)) errors.push('sensor.sampleRateSps: must be above 0');
  let maxRateMPaPerS = parent.maxRateMPaPerS;
  if (json.maxRateMPaPerS !== undefined) {
    if (typeof json.maxRateMPaPerS !== 'number' || !(json.maxRateMPaPerS > 0)) errors.push('maxRateMPaPerS: must be a number above 0');
    else maxRateMPaPerS = json.maxRateMPaPerS;
  }
  let sample = parent.sample;
  if (json.sample !== undefined) {
    const parsed = sampleFromJson(json.sample, errors);
    if (parsed !== null) sample = parsed;
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, plant: { name, description, press: { ...press, name }, sensor, maxRateMPaPerS, sample } };
}

function sampleFromJson(input: unknown, errors: string[]): SampleSpec | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    errors.push('sample: must be an object with firstLayer, promptLayers and fixtures');
    return null;
  }
  const json = input as Record<string, unknown>;
  const layer = (value: unknown, path: string): SampleLayerSpec | null => {
    const v = value as { material?: unknown; massMg?: unknown } | null;
    if (typeof v !== 'object' || v === null || typeof v.material !== 'string' || MATERIALS[v.material] === undefined) {
      errors.push(`${path}.material: must be one of ${Object.keys(MATERIALS).join(', ')}`);
      return null;
    }
    if (typeof v.massMg !== 'number' || !(v.massMg >= 0) || !Number.isFinite(v.massMg)) {
      errors.push(`${path}.massMg: must be a finite number ≥ 0`);
      return null;
    }
    return { material: v.material, massMg: v.massMg };
  };
  const list = (value: unknown, path: string): SampleLayerSpec[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      errors.push(`${path}: must be an array of layers`);
      return [];
    }
    return value.map((item, i) => layer(item, `${path}[${i}]`)).filter((l): l is SampleLayerSpec => l !== null);
  };
  const first = layer(json.firstLayer, 'sample.firstLayer');
  if (first === null) return null;
  return { fixtures: list(json.fixtures, 'sample.fixtures'), firstLayer: first, promptLayers: list(json.promptLayers, 'sample.promptLayers') };
}

/** A plant as a complete JSON document (what `press-sim plants NAME` prints, a starting point for a file). */
export function plantToJson(plant: Plant): Record<string, unknown> {
  const { name: _pressName, ...press } = plant.press;
  return { format: PLANT_FORMAT, name: plant.name, description: plant.description, extends: 'press-10t', press, sensor: plant.sensor, maxRateMPaPerS: plant.maxRateMPaPerS, sample: plant.sample };
}
