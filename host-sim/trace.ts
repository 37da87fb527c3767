/** Column-wise trace of a simulated run, grown in chunks of typed arrays (host side only). */
export const TRACE_COLUMNS = Object.freeze([
  'time_s',
  'force_kN',
  'pressure_MPa',
  'measured_MPa',
  'setpoint_MPa',
  'target_MPa',
  'pump',
  'release',
  'step',
  'state',
] as const);

export type TraceColumn = (typeof TRACE_COLUMNS)[number];

export class Trace {
  length = 0;
  private capacity = 0;
  private columns: Float64Array[] = [];

  constructor(initialCapacity = 4096) {
    this.grow(initialCapacity);
  }

  push(row: ArrayLike<number>): void {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    for (let c = 0; c < TRACE_COLUMNS.length; c++) this.columns[c][this.length] = row[c];
    this.length++;
  }

  column(name: TraceColumn): Float64Array {
    return this.columns[TRACE_COLUMNS.indexOf(name)].subarray(0, this.length);
  }

  private grow(capacity: number): void {
    const next: Float64Array[] = [];
    for (let c = 0; c < TRACE_COLUMNS.length; c++) {
      const column = new Float64Array(capacity);
      if (this.columns.length > 0) column.set(this.columns[c].subarray(0, this.length));
      next.push(column);
    }
    this.columns = next;
    this.capacity = capacity;
  }
}
