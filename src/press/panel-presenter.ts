import type { OperatorPanel, PanelView } from '../../hal/panel';
import { blankPanelView } from '../../hal/panel';
import type { Clock } from '../../hal/clock';
import type { CalibrationAuthority } from '../loadcell/calibration-authority';
import { PendingKind } from '../loadcell/calibration-authority';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import { stepName } from '../programs/compile';
import { RUN_STATE_NAMES, RunState } from '../runner/run-state';
import type { Sequencer } from '../runner/sequencer';
import { FaultCode, faultLabel, faultPrompt } from '../safety/faults';
import type { SafetySupervisor } from '../safety/supervisor';
import type { PanelNotice } from './notice';
import type { StoreIntegrity } from './store-integrity';
import { outsideToleranceSteps } from '../runner/tolerance-text';

const PAUSED_PROMPT = 'Guard open: close it, then Continue to resume or Stop to let the load down';
const UNLOADING_PROMPT = 'Letting the load down';

/**
 * What the operator panel shows, filled from the latest tick's results by the panel's own
 * timer (never by the tick: the panel's bus I/O would be jitter in the loop). One prompt line,
 * by rank: a notice, a calibration request, the step's prompt, the pause, the fault, the
 * let-down, a completed run's steps outside tolerance, the store's report.
 */
export class PanelPresenter {
  /** The view handed to the panel, reused every refresh. */
  readonly view: PanelView = blankPanelView();
  /** The end of the run the tolerance text below was made for (ms; -1: none). */
  private toleranceRunEndMs = -1;
  private toleranceText = '';

  constructor(
    private readonly clock: Clock,
    private readonly panel: OperatorPanel,
    private readonly sequencer: Sequencer,
    private readonly loadCell: LoadCellPipeline,
    private readonly safety: SafetySupervisor,
    private readonly authority: CalibrationAuthority,
    private readonly integrity: StoreIntegrity,
    private readonly notice: PanelNotice,
  ) {}

  refresh(): void {
    const nowMs = this.clock.nowMs();
    const view = this.view;
    const seq = this.sequencer;
    const program = seq.program;
    const state = seq.state;
    view.state = RUN_STATE_NAMES[state];
    view.programName = program === null ? '' : program.name;
    view.stepIndex = seq.stepIndex + 1;
    view.stepCount = program === null ? 0 : program.stepCount;
    view.stepType = stepName(program, seq.stepIndex);
    view.pressureMPa = this.loadCell.pressureMPa;
    view.targetMPa = seq.targetMPa;
    view.stepTimeLeftS = state === RunState.paused ? seq.stepTimeLeftS(seq.pausedAtMs) : seq.stepTimeLeftS(nowMs);
    const fault = this.safety.latchedFault;
    const notice = this.notice;
    if (notice.shown(nowMs)) view.prompt = notice.text;
    else if (this.authority.pending !== PendingKind.none && !seq.active) view.prompt = this.authority.pendingPrompt;
    else if (state === RunState.waiting && program !== null) view.prompt = program.prompts[seq.stepIndex];
    else if (state === RunState.paused) view.prompt = PAUSED_PROMPT;
    else if (fault !== FaultCode.none) view.prompt = faultPrompt(fault);
    else if (seq.unloading) view.prompt = UNLOADING_PROMPT;
    else if (state === RunState.complete && seq.stepsOutsideTolerance > 0) view.prompt = this.outsideToleranceText();
    else if (!seq.active) view.prompt = this.integrity.idlePrompt;
    else view.prompt = '';
    view.lastFault = faultLabel(fault);
    this.panel.show(view);
    this.panel.setStatus(state); // StatusPattern numbers follow RunState
  }

  /** "Completed outside tolerance: step 4 'stack 25 MPa': in band 81 % …", made once per run. */
  private outsideToleranceText(): string {
    const seq = this.sequencer;
    if (this.toleranceRunEndMs !== seq.runEndMs && seq.program !== null && seq.stats !== null) {
      this.toleranceRunEndMs = seq.runEndMs;
      this.toleranceText = `Completed outside tolerance: ${outsideToleranceSteps(seq.program, seq.stats)}`;
    }
    return this.toleranceText;
  }
}
