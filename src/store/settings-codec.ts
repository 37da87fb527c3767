import { ByteReader, ByteWriter, readFailure } from '../bytes/byte-stream';
import { unpairedSurrogateIndex, utf8Length } from '../bytes/utf8';
import { isSettingName } from '../text/chars';

/** Device settings: named numbers and texts (the instrument's serial number, its unlock code…). */
export type Settings = Map<string, number | string>;

export const MAX_SETTINGS = 32;
export const MAX_SETTING_TEXT_BYTES = 128;

const MAGIC_0 = 0x53;
const MAGIC_1 = 0x54;
const VERSION = 1;
const TYPE_NUMBER = 1;
const TYPE_TEXT = 2;

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; error: string };

/** What is wrong with one setting, or null. */
export function settingError(key: string, value: unknown): string | null {
  if (!isSettingName(key, 32)) return `setting "${key}": a name is 1-32 characters a-z 0-9 _ . starting with a letter`;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `setting ${key}: ${value} is not a finite number`;
  if (typeof value !== 'string') return `setting ${key}: must be a number or a text`;
  if (unpairedSurrogateIndex(value) >= 0) return `setting ${key}: the text is not valid Unicode`;
  if (utf8Length(value) > MAX_SETTING_TEXT_BYTES) return `setting ${key}: the text is longer than ${MAX_SETTING_TEXT_BYTES} bytes`;
  return null;
}

/** magic "ST" · version u8 · count u8 · per setting, by name: name (text) · type u8 (1 f64, 2 text) · value. */
export function encodeSettings(settings: Settings): Uint8Array {
  if (settings.size > MAX_SETTINGS) throw new RangeError(`${settings.size} settings are more than ${MAX_SETTINGS}`);
  const out = new ByteWriter(256);
  out.u8(MAGIC_0);
  out.u8(MAGIC_1);
  out.u8(VERSION);
  out.u8(settings.size);
  for (const key of [...settings.keys()].sort()) {
    const value = settings.get(key);
    const error = settingError(key, value);
    if (error !== null) throw new RangeError(error);
    out.text(key);
    if (typeof value === 'number') {
      out.u8(TYPE_NUMBER);
      out.f64(value);
    } else {
      out.u8(TYPE_TEXT);
      out.text(value as string);
    }
  }
  return out.toBytes();
}

/** Decodes settings; never throws, every setting is checked again. */
export function decodeSettings(bytes: Uint8Array): SettingsResult {
  const input = new ByteReader(bytes, 0, bytes.length);
  try {
    if (input.u8() !== MAGIC_0 || input.u8() !== MAGIC_1) return { ok: false, error: 'byte 0: not device settings (magic)' };
    const version = input.u8();
    if (version !== VERSION) return { ok: false, error: `byte 2: settings version ${version} is not ${VERSION}` };
    const count = input.u8();
    if (count > MAX_SETTINGS) return { ok: false, error: `byte 3: ${count} settings are more than ${MAX_SETTINGS}` };
    const settings: Settings = new Map();
    for (let i = 0; i < count; i++) {
      const at = input.offset;
      const key = input.text();
      const type = input.u8();
      let value: number | string;
      if (type === TYPE_NUMBER) value = input.f64();
      else if (type === TYPE_TEXT) value = input.text();
      else return { ok: false, error: `byte ${input.offset - 1}: setting type ${type} is unknown` };
      const error = settingError(key, value);
      if (error !== null) return { ok: false, error: `byte ${at}: ${error}` };
      if (settings.has(key)) return { ok: false, error: `byte ${at}: setting ${key} appears twice` };
      settings.set(key, value);
    }
    if (input.offset !== bytes.length) return { ok: false, error: `byte ${input.offset}: ${bytes.length - input.offset} bytes left over` };
    return { ok: true, settings };
  } catch (error) {
    return { ok: false, error: readFailure(error, 'the settings end in the middle of a field') };
  }
}
