import type { Clock } from '../clock';
import type { OperatorPanel, PanelView } from '../panel';
import type { DigitalOut } from './io';
import type { CharLcd } from './lcd';
import { PanelText } from './panel-text';
import { StatusSignalPlayer } from './status-signal';

/**
 * Bus time one show() may take, µs: a quarter of a 100 Hz loop period, so a refresh's I2C
 * write never holds a due tick back by more than that. 5 characters a call at 100 kHz, a
 * 20-column row at 400 kHz (hal/esp32/lcd.ts).
 */
const SHOW_BUS_BUDGET_US = 2500;

/**
 * The operator panel on the board: a character LCD, a status LED and a buzzer. The firmware
 * calls show() from its own panel timer, never from the control tick. show() lays the view
 * out in memory and sends the changed cells of one row, at most `cellsPerShow` of them, so one
 * call stays within SHOW_BUS_BUDGET_US on the bus; what is left goes out with the next calls.
 * A display that stops answering is dropped (counted in `displayErrors`) rather than allowed
 * to throw into the firmware's timer.
 */
export class EspPanel implements OperatorPanel {
  readonly text: PanelText;
  readonly signal = new StatusSignalPlayer();
  /** Characters one show() sends at most. */
  readonly cellsPerShow: number;
  displayErrors = 0;
  /** What is on the glass, to send only rows that changed. */
  private readonly glass: Uint8Array;
  private nextRow = 0;
  private ledLevel = -1;
  private buzzerLevel = -1;

  constructor(
    private lcd: CharLcd | null,
    private readonly led: DigitalOut | null,
    private readonly ledActiveLow: boolean,
    private readonly buzzer: DigitalOut | null,
    private readonly buzzerActiveLow: boolean,
    private readonly clock: Clock,
    columns: number,
    rows: number,
  ) {
    this.text = new PanelText(columns, rows);
    this.glass = new Uint8Array(columns * rows); // zeros: every row differs from the first render
    this.cellsPerShow = lcd === null ? 0 : lcd.cellsWithin(SHOW_BUS_BUDGET_US);
  }

  show(view: PanelView): void {
    this.text.render(view);
    this.flushChangedCells();
  }

  setStatus(pattern: number): void {
    const nowMs = this.clock.nowMs();
    const signal = this.signal;
    signal.setPattern(pattern, nowMs);
    signal.update(nowMs);
    if (this.led !== null) {
      const level = signal.led !== this.ledActiveLow ? 1 : 0;
      if (level !== this.ledLevel) this.led.write((this.ledLevel = level));
    }
    if (this.buzzer !== null) {
      const level = signal.buzzer !== this.buzzerActiveLow ? 1 : 0;
      if (level !== this.buzzerLevel) this.buzzer.write((this.buzzerLevel = level));
    }
  }

  /** Sends the changed span of the next row that has one, or its first cellsPerShow cells; the row stays next until its span is out. */
  private flushChangedCells(): void {
    const lcd = this.lcd;
    if (lcd === null) return;
    const cells = this.text.cells;
    const glass = this.glass;
    const cols = this.text.columns;
    const rows = this.text.rows;
    for (let k = 0; k < rows; k++) {
      const row = (this.nextRow + k) % rows;
      const at = row * cols;
      let first = -1;
      let last = -1;
      for (let i = 0; i < cols; i++) {
        if (cells[at + i] !== glass[at + i]) {
          if (first < 0) first = i;
          last = i;
        }
      }
      if (first < 0) continue;
      const span = last - first + 1;
      const count = span < this.cellsPerShow ? span : this.cellsPerShow;
      try {
        lcd.write(row, first, cells, at + first, count);
      } catch {
        this.displayErrors++;
        this.lcd = null;
        return;
      }
      for (let i = first; i < first + count; i++) glass[at + i] = cells[at + i];
      this.nextRow = count === span ? (row + 1) % rows : row;
      return;
    }
  }
}
