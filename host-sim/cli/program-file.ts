import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseJson } from '../../src/json/parse-json';
import { MAX_PROGRAM_JSON_BYTES } from '../../src/protocol/device-commands';

/** The largest program file the host tools read: what the press takes in one PROG:DEF. */
export const MAX_PROGRAM_FILE_BYTES = MAX_PROGRAM_JSON_BYTES;
/** The largest plant file (press-sim --plant FILE); a complete one is about 2 KB. */
export const MAX_PLANT_FILE_BYTES = 1 << 20;

export type ProgramFile =
  | { ok: true; value: unknown; text: string }
  | { ok: false; message: string; line?: number; column?: number; excerpt: string[] };

type ReadResult = { ok: true; text: string } | { ok: false; message: string };

function tooLarge(size: number | string, maxBytes: number, what: string): string {
  return `is ${size} bytes, over the limit of ${maxBytes} bytes ${what}; it was not read`;
}

/**
 * Reads at most `maxBytes` of a file: the size is checked before anything is read, and the
 * read itself stops one byte past the limit (a file that grows meanwhile, a pipe or a device
 * has no size to check first).
 */
function readBounded(file: string, maxBytes: number, what: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { ok: false, message: `cannot read: ${reason}` };
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { ok: false, message: 'cannot read: is a directory' };
    if (stats.isFile() && stats.size > maxBytes) return { ok: false, message: tooLarge(stats.size, maxBytes, what) };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
      if (length > maxBytes) return { ok: false, message: tooLarge(`over ${maxBytes}`, maxBytes, what) };
    }
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { ok: false, message: `cannot read: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a program file and parses it with the firmware's own JSON parser, so the host tools
 * and the device reject exactly the same texts. A syntax error comes back with its line,
 * column and the offending source line under a caret. A file larger than `maxBytes` (by
 * default what the press accepts in PROG:DEF) is refused before it is read.
 */
export function readProgramFile(file: string, maxBytes = MAX_PROGRAM_FILE_BYTES, what = 'for a program (what the press accepts in one PROG:DEF)'): ProgramFile {
  const read = readBounded(file, maxBytes, what);
  if (!read.ok) return { ok: false, message: read.message, excerpt: [] };
  const text = read.text;
  const parsed = parseJson(text);
  if (parsed.ok) return { ok: true, value: parsed.value, text };
  const sourceLine = text.split('\n')[parsed.line - 1]?.replace(/\r$/, '') ?? '';
  const excerpt = sourceLine.length <= 200 ? [`  ${sourceLine.replace(/\t/g, ' ')}`, `  ${' '.repeat(parsed.column - 1)}^`] : [];
  return { ok: false, message: `not valid JSON: ${parsed.message}`, line: parsed.line, column: parsed.column, excerpt };
}

/** A plant file (press-plant/1) read as readProgramFile reads a program, with its own size limit. */
export function readPlantFile(file: string): ProgramFile {
  return readProgramFile(file, MAX_PLANT_FILE_BYTES, 'for a plant file');
}

/** `file:line:column: message` (or `file: message` without a position) and the excerpt. */
export function formatProgramFileError(file: string, problem: Extract<ProgramFile, { ok: false }>): string[] {
  const where = problem.line === undefined ? `${file}:` : `${file}:${problem.line}:${problem.column}:`;
  return [`${where} ${problem.message}`, ...problem.excerpt];
}
