/**
 * What a dry run on a terminal does between ticks: the operator panel redrawn in place, and
 * the run held to a chosen speed (--speed).
 */
import type { PressSimulator } from '../simulator';
import { panelRedrawText, renderPanel } from '../output/panel-tty';

/** Redraws at most this often, in wall time. */
const PANEL_REDRAW_INTERVAL_MS = 100;
/** A paced run sleeps only when this far ahead of the wall clock, so a fast --speed does not sleep every tick. */
const PACE_MIN_SLEEP_MS = 2;

/**
 * The operator panel redrawn in place on stdout while the run goes. Follows the simulator's
 * panel at each firmware refresh (for the LED's blink phase), draws at most every
 * PANEL_REDRAW_INTERVAL_MS of wall time.
 */
export class LivePanel {
  private linesDrawn = 0;
  private lastDrawMs = 0;
  private seenRefreshes = -1;
  private status = -1;
  private statusSinceS = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { color: boolean; width: number },
  ) {}

  onTick(sim: PressSimulator): void {
    const panel = sim.panel;
    if (panel.refreshes === this.seenRefreshes) return;
    this.seenRefreshes = panel.refreshes;
    if (panel.status !== this.status) {
      this.status = panel.status;
      this.statusSinceS = sim.timeS;
    }
    const nowMs = performance.now();
    if (this.linesDrawn > 0 && nowMs - this.lastDrawMs < PANEL_REDRAW_INTERVAL_MS) return;
    this.lastDrawMs = nowMs;
    this.draw(sim);
  }

  draw(sim: PressSimulator): void {
    const blinkPhaseMs = (sim.timeS - this.statusSinceS) * 1000;
    const lines = renderPanel(sim.panel.view, sim.panel.status, sim.timeS, { ...this.options, blinkPhaseMs });
    this.write(panelRedrawText(this.linesDrawn, lines));
    this.linesDrawn = lines.length;
  }
}

/**
 * Holds a run back to `simSPerWallS` simulated seconds per wall second. runSession's loop is
 * synchronous, so the pause is a blocking sleep (Atomics.wait) between ticks, not a busy loop.
 */
export class Pacer {
  private readonly startMs = performance.now();
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private pacedSimS = 0;

  constructor(private readonly simSPerWallS: number) {}

  onTick(simTimeS: number): void {
    this.pacedSimS = simTimeS;
    this.sleepUntil(simTimeS, PACE_MIN_SLEEP_MS);
  }

  /** Waits out what is left of the last tick's time; a stretch without ticks at the end (no power) is not paced. */
  finish(): void {
    this.sleepUntil(this.pacedSimS, 0);
  }

  private sleepUntil(simTimeS: number, minSleepMs: number): void {
    const dueMs = this.startMs + (simTimeS * 1000) / this.simSPerWallS;
    let aheadMs = dueMs - performance.now();
    if (aheadMs <= minSleepMs) return;
    while (aheadMs > 0) {
      Atomics.wait(this.sleeper, 0, 0, aheadMs);
      aheadMs = dueMs - performance.now();
    }
  }
}
