import type { Clock } from '../clock';
import type { OperatorPanel, PanelView } from '../panel';
import type { DigitalOut } from './io';
import type { CharLcd } from './lcd';
import { PanelText } from './panel-text';
import { StatusSignalPlayer } from './status-signal';

/**
 * The operator panel on the board: a character LCD, a status LED and a buzzer. show() lays
 * the view out in memory and sends at most one changed row (about 8 ms on a 20-column display
 * at 100 kHz), so a refresh never holds the control loop for long; a full screen takes four
 * refreshes. A display that stops answering is dropped (counted in `displayErrors`) rather
 * than allowed to throw into the control tick.
 */
export class EspPanel implements OperatorPanel {
  readonly text: PanelText;
  readonly signal = new StatusSignalPlayer();
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
  }

  show(view: PanelView): void {
    this.text.render(view);
    this.flushOneRow();
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

  private flushOneRow(): void {
    const lcd = this.lcd;
    if (lcd === null) return;
    const cells = this.text.cells;
    const glass = this.glass;
    const cols = this.text.columns;
    const rows = this.text.rows;
    for (let k = 0; k < rows; k++) {
      const row = (this.nextRow + k) % rows;
      const at = row * cols;
      let same = true;
      for (let i = 0; i < cols; i++) {
        if (cells[at + i] !== glass[at + i]) {
          same = false;
          break;
        }
      }
      if (same) continue;
      try {
        lcd.writeRow(row, cells, at);
      } catch {
        this.displayErrors++;
        this.lcd = null;
        return;
      }
      for (let i = 0; i < cols; i++) glass[at + i] = cells[at + i];
      this.nextRow = (row + 1) % rows;
      return;
    }
  }
}
