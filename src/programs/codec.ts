import { ByteReader, ByteWriter, readFailure } from '../bytes/byte-stream';
import { crc32 } from '../bytes/crc32';
import type { FieldSpec } from './fields';
import { FieldKind, HOLD_MODES, STEP_FIELDS, STEP_TYPES } from './fields';
import type { Program, StepType } from './program';
import { PROGRAM_FORMAT } from './program';

/**
 * Binary form of a program for flash (docs/program-format.md, "Binary encoding").
 * Little-endian:
 *
 *   magic "PP" · version u8 (1) · flags u8 · total length u16 (CRC included)
 *   name (text) · [description (text)] · die size (num) · die rating (num) · [force limit (num)]
 *   [log interval (num)]
 *   step list: count u8, then per step: type code u8 · field mask u16 · its fields in table order
 *   CRC-32 u32 of every byte before it
 *
 * A num is a tag byte and its value: 1 u8, 2 u16, 3 u32 (whole numbers), 4 float32 when
 * that holds the value exactly, 8 float64 otherwise, so every double survives unchanged
 * (-0 and subnormals included). A text is a u16 byte length and UTF-8.
 */

export const PROGRAM_CODEC_VERSION = 1;
const MAGIC_0 = 0x50;
const MAGIC_1 = 0x50;
const HEADER_BYTES = 6;
const CRC_BYTES = 4;
const MAX_LIST_STEPS = 255;

const FLAG_DESCRIPTION = 1;
const FLAG_DIE_AREA = 2;
const FLAG_FORCE_LIMIT = 4;
const FLAG_LOG_INTERVAL = 8;
const KNOWN_FLAGS = FLAG_DESCRIPTION | FLAG_DIE_AREA | FLAG_FORCE_LIMIT | FLAG_LOG_INTERVAL;

const NUM_U8 = 1;
const NUM_U16 = 2;
const NUM_U32 = 3;
const NUM_F32 = 4;
const NUM_F64 = 8;

/** Step type codes in flash: 1 + index in STEP_TYPES (0 is never written). */
function typeCode(type: StepType): number {
  return STEP_TYPES.indexOf(type) + 1;
}

function writeNum(out: ByteWriter, value: number): void {
  if (Number.isInteger(value) && value >= 0 && !Object.is(value, -0) && value <= 0xffffffff) {
    if (value <= 0xff) {
      out.u8(NUM_U8);
      out.u8(value);
    } else if (value <= 0xffff) {
      out.u8(NUM_U16);
      out.u16(value);
    } else {
      out.u8(NUM_U32);
      out.u32(value);
    }
  } else if (Object.is(Math.fround(value), value)) {
    out.u8(NUM_F32);
    out.f32(value);
  } else {
    out.u8(NUM_F64);
    out.f64(value);
  }
}

function writeSteps(out: ByteWriter, steps: readonly unknown[]): void {
  if (steps.length > MAX_LIST_STEPS) throw new RangeError(`a step list of ${steps.length} steps is longer than ${MAX_LIST_STEPS}`);
  out.u8(steps.length);
  for (const item of steps) {
    const step = item as Record<string, unknown>;
    const type = step.type as StepType;
    const fields = STEP_FIELDS[type];
    let mask = 0;
    for (let f = 0; f < fields.length; f++) if (step[fields[f].key] !== undefined) mask |= 1 << f;
    out.u8(typeCode(type));
    out.u16(mask);
    for (let f = 0; f < fields.length; f++) {
      const value = step[fields[f].key];
      if (value === undefined) continue;
      switch (fields[f].kind) {
        case FieldKind.number:
          writeNum(out, value as number);
          break;
        case FieldKind.text:
          out.text(value as string);
          break;
        case FieldKind.mode:
          out.u8(HOLD_MODES.indexOf(value as 'dynamic'));
          break;
        case FieldKind.steps:
          writeSteps(out, value as unknown[]);
          break;
      }
    }
  }
}

/**
 * Encodes a program that has the shape of the format (as the validator returns it) for
 * flash. Validation is the caller's job; this only refuses what it cannot represent.
 */
export function encodeProgram(program: Program): Uint8Array {
  const out = new ByteWriter(512);
  const die = program.die;
  const hasArea = die.area_mm2 !== undefined;
  const forceLimit = program.limits?.max_force_kN;
  let flags = 0;
  if (program.description !== undefined) flags |= FLAG_DESCRIPTION;
  if (hasArea) flags |= FLAG_DIE_AREA;
  if (forceLimit !== undefined) flags |= FLAG_FORCE_LIMIT;
  if (program.log_interval_s !== undefined) flags |= FLAG_LOG_INTERVAL;
  out.u8(MAGIC_0);
  out.u8(MAGIC_1);
  out.u8(PROGRAM_CODEC_VERSION);
  out.u8(flags);
  out.u16(0);
  out.text(program.name);
  if (program.description !== undefined) out.text(program.description);
  writeNum(out, (hasArea ? die.area_mm2 : die.diameter_mm) as number);
  writeNum(out, die.max_pressure_MPa);
  if (forceLimit !== undefined) writeNum(out, forceLimit);
  if (program.log_interval_s !== undefined) writeNum(out, program.log_interval_s);
  writeSteps(out, program.steps);
  const total = out.length + CRC_BYTES;
  if (total > 0xffff) throw new RangeError(`the program encodes to ${total} bytes, more than the format's 65535`);
  out.setU16(4, total);
  const crcRoom = out.raw(0);
  out.u32(crc32(crcRoom.bytes, 0, crcRoom.offset));
  return out.toBytes();
}

export type DecodeResult = { ok: true; program: Program; bytes: number } | { ok: false; error: string };

class DecodeError extends Error {}

function readNum(input: ByteReader): number {
  const at = input.offset;
  const tag = input.u8();
  switch (tag) {
    case NUM_U8:
      return input.u8();
    case NUM_U16:
      return input.u16();
    case NUM_U32:
      return input.u32();
    case NUM_F32:
      return input.f32();
    case NUM_F64:
      return input.f64();
    default:
      throw new DecodeError(`byte ${at}: ${tag} is not a number tag`);
  }
}

function readSteps(input: ByteReader, depth: number): unknown[] {
  if (depth > 3) throw new DecodeError(`byte ${input.offset}: steps nested deeper than the format allows`);
  const count = input.u8();
  const steps: unknown[] = [];
  for (let s = 0; s < count; s++) {
    const at = input.offset;
    const code = input.u8();
    const type = STEP_TYPES[code - 1];
    if (type === undefined) throw new DecodeError(`byte ${at}: ${code} is not a step type code`);
    const fields: readonly FieldSpec[] = STEP_FIELDS[type];
    const mask = input.u16();
    if (mask >>> fields.length !== 0) throw new DecodeError(`byte ${at + 1}: field mask 0x${mask.toString(16)} names fields a ${type} step does not have`);
    const step: Record<string, unknown> = { type };
    for (let f = 0; f < fields.length; f++) {
      if ((mask & (1 << f)) === 0) continue;
      const field = fields[f];
      switch (field.kind) {
        case FieldKind.number:
          step[field.key] = readNum(input);
          break;
        case FieldKind.text:
          step[field.key] = input.text();
          break;
        case FieldKind.mode: {
          const modeAt = input.offset;
          const mode = HOLD_MODES[input.u8()];
          if (mode === undefined) throw new DecodeError(`byte ${modeAt}: not a hold mode`);
          step[field.key] = mode;
          break;
        }
        case FieldKind.steps:
          step[field.key] = readSteps(input, depth + 1);
          break;
      }
    }
    steps.push(step);
  }
  return steps;
}

/**
 * Decodes a program from flash bytes (a slot may be longer than the record: the length in
 * the header says where it ends). Checks magic, version, length and CRC before reading
 * anything, and never throws: damage comes back as an error naming the byte. The result
 * still has to pass the validator before it is run.
 */
export function decodeProgram(bytes: Uint8Array): DecodeResult {
  if (bytes.length < HEADER_BYTES + CRC_BYTES) return { ok: false, error: `${bytes.length} bytes are too short for a program record` };
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) return { ok: false, error: 'byte 0: not a program record (bad magic)' };
  if (bytes[2] !== PROGRAM_CODEC_VERSION) return { ok: false, error: `byte 2: encoding version ${bytes[2]} is not supported (this firmware reads version ${PROGRAM_CODEC_VERSION})` };
  const flags = bytes[3];
  if ((flags & ~KNOWN_FLAGS) !== 0) return { ok: false, error: `byte 3: unknown flags 0x${flags.toString(16)}` };
  const total = bytes[4] | (bytes[5] << 8);
  if (total < HEADER_BYTES + CRC_BYTES || total > bytes.length) return { ok: false, error: `byte 4: record length ${total} does not fit the ${bytes.length} bytes given` };
  const body = total - CRC_BYTES;
  const stored = (bytes[body] | (bytes[body + 1] << 8) | (bytes[body + 2] << 16) | (bytes[body + 3] << 24)) >>> 0;
  const computed = crc32(bytes, 0, body);
  if (stored !== computed) return { ok: false, error: `CRC mismatch: stored 0x${stored.toString(16).padStart(8, '0')}, computed 0x${computed.toString(16).padStart(8, '0')}` };

  const input = new ByteReader(bytes, HEADER_BYTES, body);
  try {
    const program: Record<string, unknown> = { format: PROGRAM_FORMAT };
    program.name = input.text();
    if (flags & FLAG_DESCRIPTION) program.description = input.text();
    const size = readNum(input);
    program.die = flags & FLAG_DIE_AREA ? { area_mm2: size, max_pressure_MPa: readNum(input) } : { diameter_mm: size, max_pressure_MPa: readNum(input) };
    if (flags & FLAG_FORCE_LIMIT) program.limits = { max_force_kN: readNum(input) };
    if (flags & FLAG_LOG_INTERVAL) program.log_interval_s = readNum(input);
    program.steps = readSteps(input, 0);
    if (input.offset !== body) return { ok: false, error: `byte ${input.offset}: ${body - input.offset} bytes left over after the steps` };
    return { ok: true, program: program as unknown as Program, bytes: total };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: error.message };
    return { ok: false, error: readFailure(error, 'record ends in the middle of a field') };
  }
}
