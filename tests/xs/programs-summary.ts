import { formatJsonError, parseJson } from '../../src/json/parse-json';
import { decodeProgram, encodeProgram } from '../../src/programs/codec';
import type { DeviceCapabilities, Program } from '../../src/programs/program';
import { formatValidationError, validateProgram } from '../../src/programs/validate';
import { SeededRandom } from '../../host-sim/physics/rng';

/** The device both XS comparisons validate against. */
export const DEVICE: DeviceCapabilities = { maxForceKN: 100, loadCellCapacityKN: 100, loadCellNoiseKN: 0.0025, maxRateMPaPerS: 50, maxSteps: 64, maxRunSteps: 256, panelPromptChars: 80, programSlotBytes: 8192 };

function hex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return text;
}

const BAD_TEXTS = ['{"a": 1 "b": 2}', '{\n  "to_MPa": 300,\n  "to_MPa": 800\n}', '[1, 2', '{"a": 01}', '['.repeat(40)];

const BAD_PROGRAMS: unknown[] = [
  { format: 'press-program/2', name: 'bad name!', die: { diameter_mm: 10, max_pressure_MPa: 740, colour: 'red' }, steps: [{ type: 'ramp', to_kN: 80, rate_kN_s: 5 }, { type: 'hold', duration_s: -1, band_MPa: 1, mode: 'wobbly' }] },
  { format: 'press-program/1', name: 'r', die: { area_mm2: 100, max_pressure_MPa: 740 }, steps: [{ type: 'repeat', count: 3, steps: [{ type: 'ramp', to_MPa: 100, rate_MPa_s: 10 }, { type: 'hold', duration_s: 5, band_MPa: 1, mode: 'static' }] }] },
  { format: 'press-program/1', name: 'p', die: { diameter_mm: 10, max_pressure_MPa: 740 }, steps: [{ type: 'prompt', message: '𝄞'.repeat(81) }, { type: 'maintain', at_MPa: 2, duration_s: 10, band_MPa: 3 }] },
];

const bits = new DataView(new ArrayBuffer(8));

/**
 * Doubles with the edges drawn often, from the simulator's seeded generator. Random ones
 * are assembled from random bits (not computed with pow, whose last bit differs between
 * engines), so both engines encode the very same values.
 */
function edgyNumber(random: SeededRandom): number {
  const pick = random.next();
  if (pick < 0.3) return [0, -0, 5e-324, Number.MAX_VALUE, 0.1, 65535, 65536, 4294967296, 1 / 3][Math.floor(random.next() * 9)];
  if (pick < 0.5) return Math.floor(random.next() * 70000);
  for (;;) {
    bits.setUint32(0, Math.floor(random.next() * 4294967296));
    bits.setUint32(4, Math.floor(random.next() * 4294967296));
    const value = bits.getFloat64(0);
    if (Number.isFinite(value)) return value;
  }
}

/**
 * The program pipeline in one engine: parse, validate, encode, decode for every example;
 * the messages for broken texts and bad programs; and encodings of programs full of edge
 * values. Node and XS must agree byte for byte and word for word.
 */
export function programsSummary(exampleTexts: string[], seed: number) {
  const examples = exampleTexts.map((text) => {
    const parsed = parseJson(text);
    if (!parsed.ok) return { error: formatJsonError(parsed) };
    const valid = validateProgram(parsed.value, DEVICE);
    if (!valid.ok) return { error: valid.errors.map(formatValidationError).join('; ') };
    const bytes = encodeProgram(valid.program);
    const decoded = decodeProgram(bytes);
    return { hex: hex(bytes), decoded: decoded.ok ? JSON.stringify(decoded.program) : decoded.error };
  });
  const random = new SeededRandom(seed);
  const edges: string[] = [];
  for (let k = 0; k < 200; k++) {
    const program = {
      format: 'press-program/1',
      name: `edge-${k}`,
      die: { diameter_mm: edgyNumber(random), max_pressure_MPa: edgyNumber(random) },
      steps: [
        { type: 'ramp', to_MPa: edgyNumber(random), rate_kN_s: edgyNumber(random), band_MPa: edgyNumber(random) },
        { type: 'maintain', at_kN: edgyNumber(random), duration_s: edgyNumber(random), band_MPa: edgyNumber(random), log_interval_s: edgyNumber(random) },
      ],
    } as unknown as Program;
    const bytes = encodeProgram(program);
    const decoded = decodeProgram(bytes);
    edges.push(hex(bytes) + (decoded.ok ? '' : ` ${decoded.error}`));
  }
  return {
    examples,
    badTexts: BAD_TEXTS.map((text) => {
      const parsed = parseJson(text);
      return parsed.ok ? 'parsed' : formatJsonError(parsed);
    }),
    badPrograms: BAD_PROGRAMS.map((program) => validateProgram(program, DEVICE).errors.map(formatValidationError)),
    edges,
  };
}
