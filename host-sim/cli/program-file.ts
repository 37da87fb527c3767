import { readFileSync } from 'node:fs';
import { parseJson } from '../../src/json/parse-json';

export type ProgramFile =
  | { ok: true; value: unknown }
  | { ok: false; message: string; line?: number; column?: number; excerpt: string[] };

/**
 * Reads a program file and parses it with the firmware's own JSON parser, so the host tools
 * and the device reject exactly the same texts. A syntax error comes back with its line,
 * column and the offending source line under a caret.
 */
export function readProgramFile(file: string): ProgramFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return { ok: false, message: `cannot read: ${reason}`, excerpt: [] };
  }
  const parsed = parseJson(text);
  if (parsed.ok) return { ok: true, value: parsed.value };
  const sourceLine = text.split('\n')[parsed.line - 1]?.replace(/\r$/, '') ?? '';
  const excerpt = sourceLine.length <= 200 ? [`  ${sourceLine.replace(/\t/g, ' ')}`, `  ${' '.repeat(parsed.column - 1)}^`] : [];
  return { ok: false, message: `not valid JSON: ${parsed.message}`, line: parsed.line, column: parsed.column, excerpt };
}

/** `file:line:column: message` (or `file: message` without a position) and the excerpt. */
export function formatProgramFileError(file: string, problem: Extract<ProgramFile, { ok: false }>): string[] {
  const where = problem.line === undefined ? `${file}:` : `${file}:${problem.line}:${problem.column}:`;
  return [`${where} ${problem.message}`, ...problem.excerpt];
}
