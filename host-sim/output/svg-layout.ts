/**
 * Axes and label placement for the SVG plot: round tick steps, the time unit for the run's
 * length, and boundary labels placed in rows so that no two overlap (a label that finds no
 * free row is left out; its boundary line is still drawn).
 */

/** A round tick step giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

export interface Axis {
  min: number;
  max: number;
  step: number;
}

export function axisFor(min: number, max: number, count: number): Axis {
  if (!(max > min)) max = min + 1;
  const step = niceStep(max - min, count);
  return { min: Math.floor(min / step + 1e-9) * step, max: Math.ceil(max / step - 1e-9) * step, step };
}

export function tickValues(axis: Axis): number[] {
  const ticks: number[] = [];
  const count = Math.round((axis.max - axis.min) / axis.step);
  for (let k = 0; k <= count; k++) ticks.push(axis.min + k * axis.step);
  return ticks;
}

export function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = value.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

export interface TimeUnit {
  name: 's' | 'min' | 'h';
  seconds: number;
}

/** Seconds up to 10 minutes, minutes up to 3 hours, hours beyond. */
export function timeUnitFor(durationS: number): TimeUnit {
  if (durationS > 3 * 3600) return { name: 'h', seconds: 3600 };
  if (durationS > 600) return { name: 'min', seconds: 60 };
  return { name: 's', seconds: 1 };
}

export const LABEL_FONT_PX = 10;
/** Width reserved per character of a label: a little over Helvetica's average at 10 px. */
export const LABEL_CHAR_WIDTH_PX = 6.2;
export const LABEL_ROW_HEIGHT_PX = 12;
/** Space kept free between two labels of one row. */
export const LABEL_GAP_PX = 4;
/** Longer labels are cut and end in "…". */
export const LABEL_MAX_CHARS = 28;

export interface LabelMark {
  /** Where the boundary is, px. */
  x: number;
  text: string;
  /** Lower goes first (faults, then the end of the run, then the steps). */
  priority: number;
}

export interface PlacedLabel {
  text: string;
  /** Left edge and width of the label's box, px; row 0 is the top row. */
  x: number;
  width: number;
  row: number;
  /** The mark this label belongs to (index into the marks given). */
  mark: number;
}

export function labelWidth(text: string): number {
  return text.length * LABEL_CHAR_WIDTH_PX;
}

export function shortenLabel(text: string): string {
  return text.length > LABEL_MAX_CHARS ? `${text.slice(0, LABEL_MAX_CHARS - 1)}…` : text;
}

/**
 * Places each label just right of its boundary (or left of it at the right edge), in the
 * first row where it overlaps no label already placed; marks are taken by priority, then
 * from left to right. Labels with no free row are left out.
 */
export function placeLabels(marks: LabelMark[], rows: number, left: number, right: number): PlacedLabel[] {
  const order = marks.map((_, i) => i).sort((a, b) => marks[a].priority - marks[b].priority || marks[a].x - marks[b].x);
  const placed: PlacedLabel[] = [];
  for (const index of order) {
    const text = shortenLabel(marks[index].text);
    const width = labelWidth(text);
    const x = Math.max(left, Math.min(marks[index].x + 2, right - width));
    for (let row = 0; row < rows; row++) {
      const free = placed.every((p) => p.row !== row || x + width + LABEL_GAP_PX <= p.x || p.x + p.width + LABEL_GAP_PX <= x);
      if (free) {
        placed.push({ text, x, width, row, mark: index });
        break;
      }
    }
  }
  return placed;
}
