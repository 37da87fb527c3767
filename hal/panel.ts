/** What the operator panel shows; the firmware fills one preallocated instance. */
export interface PanelView {
  state: string;
  stepIndex: number;
  stepCount: number;
  stepType: string;
  pressureMPa: number;
  targetMPa: number;
  stepTimeLeftS: number;
  prompt: string;
  lastFault: string;
}

export const StatusPattern = {
  idle: 0,
  running: 1,
  waiting: 2,
  complete: 3,
  fault: 4,
} as const;

export interface OperatorPanel {
  /** Called at a low rate (not every tick) with the current view. */
  show(view: PanelView): void;
  /** LED / buzzer pattern, one of StatusPattern. */
  setStatus(pattern: number): void;
}
