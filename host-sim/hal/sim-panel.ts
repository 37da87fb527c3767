import type { OperatorPanel, PanelView } from '../../hal/panel';

/** Keeps the last view the firmware showed, for the simulated operator and the terminal. */
export class SimPanel implements OperatorPanel {
  state = 'IDLE';
  prompt = '';
  stepIndex = 0;
  stepCount = 0;
  pressureMPa = 0;
  targetMPa = 0;
  status = 0;
  refreshes = 0;

  show(view: PanelView): void {
    this.state = view.state;
    this.prompt = view.prompt;
    this.stepIndex = view.stepIndex;
    this.stepCount = view.stepCount;
    this.pressureMPa = view.pressureMPa;
    this.targetMPa = view.targetMPa;
    this.refreshes++;
  }

  setStatus(pattern: number): void {
    this.status = pattern;
  }
}
