/**
 * A program's text through the firmware's own JSON parser and validator: the lines the page
 * lists under the editor and the problems the editor underlines, each with where it is (the
 * parser's line and column, or the validator's JSON path).
 */
import { formatJsonError, parseJson } from '../../src/json/parse-json';
import type { DeviceCapabilities } from '../../src/programs/program';
import { formatValidationError, validateProgram } from '../../src/programs/validate';

export interface Problem {
  severity: 'error' | 'warning';
  /** The line the page lists, e.g. `steps[0].to_MPa: 900 MPa exceeds …`. */
  text: string;
  /** The validator's path ('' for the whole program); absent for a JSON syntax error. */
  path?: string;
  /** Where a JSON syntax error is, both from 1. */
  line?: number;
  column?: number;
}

export interface ProgramCheck {
  problems: Problem[];
  /** The program's name when the validator accepts it (warnings or not). */
  acceptedName?: string;
}

export function checkProgramText(text: string, device: DeviceCapabilities): ProgramCheck {
  if (text.trim() === '') return { problems: [] };
  const parsed = parseJson(text);
  if (!parsed.ok) return { problems: [{ severity: 'error', text: `not JSON: ${formatJsonError(parsed)}`, line: parsed.line, column: parsed.column }] };
  const checked = validateProgram(parsed.value, device);
  if (!checked.ok) return { problems: checked.errors.map((e) => ({ severity: 'error', text: formatValidationError(e), path: e.path })) };
  return {
    problems: checked.warnings.map((w) => ({ severity: 'warning', text: `warning: ${formatValidationError(w)}`, path: w.path })),
    acceptedName: checked.program.name,
  };
}
