import { formatFixedWidthTable } from './step-table';
import type { TableColumn } from './step-table';
import { formatProgramDate } from '../cli/press-clock';

/** The fields of one CSV line (double-quoted fields may hold commas and doubled quotes). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const STEP_SUMMARY_COLUMNS: { field: string; header: string; align: 'left' | 'right' }[] = [
  { field: 'step', header: 'step', align: 'right' },
  { field: 'label', header: 'label', align: 'left' },
  { field: 'kind', header: 'type', align: 'left' },
  { field: 'target_MPa', header: 'target MPa', align: 'right' },
  { field: 'reached_MPa', header: 'reached MPa', align: 'right' },
  { field: 'peak_MPa', header: 'peak MPa', align: 'right' },
  { field: 'hold_error_p99_MPa', header: 'hold error p99 MPa', align: 'right' },
  { field: 'in_band_percent', header: 'in band %', align: 'right' },
  { field: 'tolerance', header: 'tolerance', align: 'left' },
  { field: 'start_s', header: 'start s', align: 'right' },
  { field: 'duration_s', header: 'duration s', align: 'right' },
];

/** LOG:STEP?'s CSV as a fixed-width table ("-" for an empty figure); throws on a header it does not know. */
export function formatRunStepTable(csv: string): string {
  const lines = csv.trimEnd().split('\n');
  const names = csvFields(lines[0]);
  const columns: TableColumn<string[]>[] = STEP_SUMMARY_COLUMNS.map(({ field, header, align }) => {
    const index = names.indexOf(field);
    if (index < 0) throw new Error(`step summaries: no column ${field} in ${JSON.stringify(lines[0])}`);
    return { header, align, cell: (row) => (row[index] === '' ? '-' : row[index]) };
  });
  return formatFixedWidthTable(columns, lines.slice(1).map(csvFields));
}

/** SCPI's "not a number" (9.91E+37), as LOG:HEAD? gives a worst error that was never stated. */
const SCPI_NAN = '9.91E+37';

/**
 * LOG:HEAD?'s fields (splitResponse) in one line: program and hash, start, die, the calibration
 * in force (date, reference, worst error, tare and span) and firmware. A header of older
 * firmware has no reference, worst error or start: those parts are left out.
 */
export function formatRunHeader(fields: string[]): string {
  const [run, program, hash, diameterMm, , dateS, tare, span, firmware, reference, worstPercent, startedS] = fields;
  const started = startedS === undefined || !(Number(startedS) > 0) ? '' : `, started ${formatProgramDate(Number(startedS))}`;
  const stated = worstPercent !== undefined && worstPercent !== SCPI_NAN ? `, worst error ${worstPercent} %` : '';
  const against = reference === undefined || reference === '' ? '' : ` against ${reference}${stated}`;
  const calibration = dateS === '0' ? 'default' : `of ${formatProgramDate(Number(dateS)).slice(0, 10)}${against}`;
  return `run ${run}: ${program} (${hash})${started}, die ${diameterMm} mm, calibration ${calibration} (tare ${tare}, ${span} kN per count), firmware ${firmware}`;
}
