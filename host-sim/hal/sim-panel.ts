import type { OperatorPanel, PanelView } from '../../hal/panel';
import { blankPanelView } from '../../hal/panel';

/** Keeps a copy of the last view the firmware showed, for the simulated operator and the terminal. */
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

  /** Copies field by field: the firmware calls this from its tick, which must not allocate. */
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
