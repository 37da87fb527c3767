import type { OperatorInputs } from '../../hal/inputs';
import { AT_PRESS_HOLD_MS, PendingKind } from '../loadcell/calibration-authority';
import type { CalibrationAuthority } from '../loadcell/calibration-authority';
import { Debounced } from '../operator/debounce';
import { EventCause } from '../runner/run-events';
import type { Sequencer } from '../runner/sequencer';
import type { SafetySupervisor } from '../safety/supervisor';
import type { Interlocks } from './interlocks';
import type { RunControl } from './run-control';
import type { StoreIntegrity } from './store-integrity';

/** Buttons settle both ways in this long, ms. */
const BUTTON_SETTLE_MS = 20;
/** Holding Stop this long clears a latched fault (a deliberate act, not the panic press that came with the fault). */
const FAULT_RESET_HOLD_MS = 2000;
/** Holding Continue this long while idle accepts what the store's mount reported (a lost calibration too): a deliberate act at the press. */
const STORE_ACCEPT_HOLD_MS = 3000;

/**
 * The bench's switches, debounced once per tick, and what their edges and holds do
 * (docs/operator.md): e-stop, guard, Start, Stop (and its long press that resets a fault),
 * Continue (and its long press that confirms a calibration request or accepts the store's
 * report).
 */
export class BenchInputs {
  readonly startButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  readonly stopButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  readonly continueButton = new Debounced(BUTTON_SETTLE_MS, BUTTON_SETTLE_MS);
  /** The Stop press that reset a fault must be let go before it can do anything else. */
  private stopConsumed = false;
  /** The Continue hold that confirmed a calibration request must be let go before it accepts anything else. */
  private continueConsumed = false;

  constructor(
    private readonly inputs: OperatorInputs,
    readonly interlocks: Interlocks,
    private readonly sequencer: Sequencer,
    private readonly safety: SafetySupervisor,
    private readonly runs: RunControl,
    private readonly authority: CalibrationAuthority,
    private readonly integrity: StoreIntegrity,
  ) {}

  /** Debounces the inputs and acts on their edges. */
  read(nowMs: number, dtMs: number, pressureMPa: number): void {
    const inputs = this.inputs;
    const estopRaw = inputs.estop;
    const guardOpenRaw = !inputs.guardClosed;
    const startRaw = inputs.startPressed;
    const stopRaw = inputs.stopPressed;
    const continueRaw = inputs.continuePressed;
    const estop = this.interlocks.estop;
    const guard = this.interlocks.guardOpen;
    const start = this.startButton;
    const stop = this.stopButton;
    const cont = this.continueButton;
    // Nearly every tick nothing changes and nothing is settling: only a held Stop needs its time.
    if (
      estopRaw === estop.state && guardOpenRaw === guard.state && startRaw === start.state && stopRaw === stop.state && continueRaw === cont.state &&
      estop.pendingMs + guard.pendingMs + start.pendingMs + stop.pendingMs + cont.pendingMs === 0
    ) {
      estop.changed = guard.changed = start.changed = stop.changed = cont.changed = false;
      if (stopRaw) {
        stop.heldMs += dtMs;
        this.checkFaultResetHold();
      }
      if (continueRaw) {
        cont.heldMs += dtMs;
        if (this.authority.pending !== PendingKind.none) this.checkCalibrationHold();
        else this.checkStoreAcceptHold(nowMs, pressureMPa);
      }
      return;
    }
    const seq = this.sequencer;
    estop.update(estopRaw, dtMs);
    guard.update(guardOpenRaw, dtMs);
    if (guard.changed) {
      if (guard.state) {
        if (!seq.pause(nowMs, pressureMPa, EventCause.guardOpened)) seq.events.record(nowMs, EventCause.guardOpened, seq.state, seq.state, seq.stepIndex, pressureMPa, 0);
      } else {
        seq.events.record(nowMs, EventCause.guardClosed, seq.state, seq.state, seq.stepIndex, pressureMPa, 0);
      }
    }
    if (start.update(startRaw, dtMs) && start.changed) this.runs.start(EventCause.startButton);
    // A calibration request waiting for the press takes Continue first; then the store's report, while it waits to be accepted; else Continue answers the run.
    const calibrationRequest = this.authority.pending !== PendingKind.none && !seq.active && !seq.unloading;
    if (cont.update(continueRaw, dtMs)) {
      if (cont.changed && !calibrationRequest && !this.integrity.acceptable) this.runs.continueRun(EventCause.continueButton);
      if (!calibrationRequest) this.checkStoreAcceptHold(nowMs, pressureMPa);
    }
    if (calibrationRequest) this.checkCalibrationHold();
    if (!cont.state) this.continueConsumed = false;
    stop.update(stopRaw, dtMs);
    if (!stop.state) {
      this.stopConsumed = false;
    } else if (stop.changed && seq.active) {
      seq.abort(nowMs, pressureMPa, EventCause.stopButton);
      this.stopConsumed = true;
    } else {
      this.checkFaultResetHold();
    }
  }

  /** Continue held STORE_ACCEPT_HOLD_MS while idle accepts the store's report and a lost calibration, once; logged. */
  private checkStoreAcceptHold(nowMs: number, pressureMPa: number): void {
    if (this.continueButton.heldMs < STORE_ACCEPT_HOLD_MS || this.continueConsumed || !this.integrity.acceptable) return;
    this.integrity.accept(nowMs, pressureMPa);
  }

  /** Continue held AT_PRESS_HOLD_MS on an idle press confirms the pending calibration request (acted on by housekeeping). */
  private checkCalibrationHold(): void {
    const seq = this.sequencer;
    const cont = this.continueButton;
    if (cont.state && cont.heldMs >= AT_PRESS_HOLD_MS && !seq.active && !seq.unloading) {
      this.authority.pressConfirmed = true;
      // The same hold must not go on to accept the store's report once the request is served.
      this.continueConsumed = true;
    }
  }

  /** Stop held for FAULT_RESET_HOLD_MS clears a latched fault, once per press. */
  private checkFaultResetHold(): void {
    if (!this.stopConsumed && this.safety.tripped && this.stopButton.heldMs >= FAULT_RESET_HOLD_MS) {
      this.runs.resetFault(EventCause.faultResetButton);
      this.stopConsumed = true;
    }
  }
}
