import type { PanelView } from '../panel';

/**
 * Lays the panel view out on a character display, one byte per cell, without allocating:
 * strings are copied by char code, numbers written digit by digit.
 *
 *   RUNNING      2/4       state, step i/n
 *   P  123.4 T  300.0 MPa  pressure and target
 *   hold        0:01:59    step label or type, time left
 *   Add 15 mg NCM811/Li6…  fault, or prompt (scrolls when longer than the row)
 */
const SPACE = 0x20;
const QUESTION = 0x3f;
const DASH = 0x2d;
const ZERO = 0x30;
const COLON = 0x3a;
/** Refreshes a scrolling row stays on each position. */
const SCROLL_HOLD_REFRESHES = 3;
/** Blank cells between the end of a scrolling text and its start. */
const SCROLL_GAP = 4;

/** Writes `text` from `start` into `width` cells at `at`, padding with spaces; non-ASCII becomes '?'. */
export function putText(cells: Uint8Array, at: number, width: number, text: string, start = 0): void {
  for (let i = 0; i < width; i++) {
    const index = start + i;
    let code = index < text.length ? text.charCodeAt(index) : SPACE;
    if (code < SPACE || code > 0x7e) code = QUESTION;
    cells[at + i] = code;
  }
}

/** Writes value rounded to `decimals`, right-aligned in `width` cells ('-' for NaN, '#' in every cell when it does not fit). */
export function putFixed(cells: Uint8Array, at: number, width: number, value: number, decimals: number): void {
  cells.fill(SPACE, at, at + width);
  if (value !== value) {
    cells[at + width - 1] = DASH;
    return;
  }
  let scaled = Math.round((value < 0 ? -value : value) * 10 ** decimals);
  const negative = value < 0 && scaled > 0;
  let pos = at + width - 1;
  for (let d = 0; d < decimals; d++) {
    cells[pos--] = ZERO + (scaled % 10);
    scaled = Math.floor(scaled / 10);
  }
  if (decimals > 0) cells[pos--] = 0x2e;
  do {
    if (pos < at) break;
    cells[pos--] = ZERO + (scaled % 10);
    scaled = Math.floor(scaled / 10);
  } while (scaled > 0);
  if (negative && pos >= at) cells[pos--] = DASH;
  else if (negative) scaled = 1;
  if (scaled > 0) cells.fill(0x23, at, at + width);
}

/** Writes a duration as h:mm:ss right-aligned in 8 cells (seconds rounded up; blank for NaN). */
export function putDuration(cells: Uint8Array, at: number, seconds: number): void {
  cells.fill(SPACE, at, at + 8);
  if (!(seconds >= 0)) return;
  let s = Math.ceil(seconds);
  if (s > 359_999) s = 359_999;
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  cells[at + 7] = ZERO + (secs % 10);
  cells[at + 6] = ZERO + Math.floor(secs / 10);
  cells[at + 5] = COLON;
  cells[at + 4] = ZERO + (minutes % 10);
  cells[at + 3] = ZERO + Math.floor(minutes / 10);
  cells[at + 2] = COLON;
  cells[at + 1] = ZERO + (hours % 10);
  if (hours >= 10) cells[at] = ZERO + Math.floor(hours / 10);
}

function putStep(cells: Uint8Array, at: number, width: number, index: number, count: number): void {
  cells.fill(SPACE, at, at + width);
  if (count <= 0) return;
  let pos = at + width - 1;
  let n = count;
  do {
    cells[pos--] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0 && pos >= at);
  if (pos >= at) cells[pos--] = 0x2f;
  n = index;
  do {
    if (pos < at) return;
    cells[pos--] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
}

export class PanelText {
  readonly cells: Uint8Array;
  private scrollRefreshes = 0;
  private scrollText = '';

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.cells = new Uint8Array(columns * rows).fill(SPACE);
  }

  render(view: PanelView): void {
    const cells = this.cells;
    const cols = this.columns;
    const stepWidth = 7;
    putText(cells, 0, cols - stepWidth, view.state);
    putStep(cells, cols - stepWidth, stepWidth, view.stepIndex, view.stepCount);
    if (this.rows < 2) return;
    const row1 = cols;
    putText(cells, row1, 1, 'P');
    putFixed(cells, row1 + 1, 6, view.pressureMPa, 1);
    putText(cells, row1 + 7, 2, ' T');
    putFixed(cells, row1 + 9, 6, view.targetMPa, 1);
    putText(cells, row1 + 15, cols - 15, ' MPa');
    if (this.rows < 3) return;
    const row2 = 2 * cols;
    putText(cells, row2, cols - 8, view.stepType);
    putDuration(cells, row2 + cols - 8, view.stepTimeLeftS);
    if (this.rows < 4) return;
    this.renderMessage(view.lastFault !== '' ? view.lastFault : view.prompt, 3 * cols);
  }

  /** The last row: a text that fits stands still; a longer one scrolls one cell every few refreshes. */
  private renderMessage(text: string, at: number): void {
    const cols = this.columns;
    if (text !== this.scrollText) {
      this.scrollText = text;
      this.scrollRefreshes = 0;
    }
    if (text.length <= cols) {
      putText(this.cells, at, cols, text);
      return;
    }
    const span = text.length + SCROLL_GAP;
    const offset = Math.floor(this.scrollRefreshes / SCROLL_HOLD_REFRESHES) % span;
    this.scrollRefreshes++;
    for (let i = 0; i < cols; i++) {
      const index = (offset + i) % span;
      let code = index < text.length ? text.charCodeAt(index) : SPACE;
      if (code < SPACE || code > 0x7e) code = QUESTION;
      this.cells[at + i] = code;
    }
  }
}
