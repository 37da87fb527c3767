import type { OperatorPanel, PanelView } from '../../hal/panel';
import { blankPanelView } from '../../hal/panel';

/**
 * Keeps a copy of the last view the firmware showed, for the simulated operator and the
 * terminal. The firmware shows it from its panel timer (every 100 ms), not from the tick.
 */
export class SimPanel implements OperatorPanel {
  readonly view: PanelView = blankPanelView();
  status = 0;
  refreshes = 0;

  get state(): string {
    return this.view.state;
  }

  get prompt(): string {
    return this.view.prompt;
  }

  /** Copies field by field (Object.assign would allocate): the firmware's timers allocate nothing in steady state. */
  show(view: PanelView): void {
    const mine = this.view;
    mine.state = view.state;
    mine.programName = view.programName;
    mine.stepIndex = view.stepIndex;
    mine.stepCount = view.stepCount;
    mine.stepType = view.stepType;
    mine.pressureMPa = view.pressureMPa;
    mine.targetMPa = view.targetMPa;
    mine.stepTimeLeftS = view.stepTimeLeftS;
    mine.prompt = view.prompt;
    mine.lastFault = view.lastFault;
    this.refreshes++;
  }

  setStatus(pattern: number): void {
    this.status = pattern;
  }
}
