import type { OperatorPanel, PanelView } from '../../hal/panel';

/** Keeps a copy of the last view the firmware showed, for the simulated operator and the terminal. */
export class SimPanel implements OperatorPanel {
  readonly view: PanelView = {
    state: 'IDLE',
    programName: '',
    stepIndex: 0,
    stepCount: 0,
    stepType: '',
    pressureMPa: 0,
    targetMPa: 0,
    stepTimeLeftS: Number.NaN,
    prompt: '',
    lastFault: '',
  };
  status = 0;
  refreshes = 0;

  get state(): string {
    return this.view.state;
  }

  get prompt(): string {
    return this.view.prompt;
  }

  show(view: PanelView): void {
    Object.assign(this.view, view);
    this.refreshes++;
  }

  setStatus(pattern: number): void {
    this.status = pattern;
  }
}
