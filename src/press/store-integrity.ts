import type { StatusModel } from '../protocol/status';
import { DEVICE_ERROR_MESSAGES, DeviceError } from '../protocol/device-errors';
import type { Sequencer } from '../runner/sequencer';
import { EventCause } from '../runner/run-events';
import type { SafetySupervisor } from '../safety/supervisor';
import { StoreFullError } from '../store/object-store';
import type { StoreMountReport } from '../store/press-store';
import { StoreFlag } from '../store/press-store';
import type { PressCalibration } from './press-calibration';
import type { StoreGuard } from './store-guard';

const CALIBRATION_LOST_PROMPT = 'Calibration lost: factory default in force. Hold Continue 3 s to accept';
/** A calibration was added after the loss: the new one is in force, the loss still waits to be accepted. */
const CALIBRATION_HISTORY_LOST_PROMPT = 'Calibration history lost. Hold Continue 3 s to accept';

/**
 * What the store's mount found at boot (docs/storage.md): damage, lost objects, a lost
 * calibration history. It stays the press's integrity state until the next boot; a lost
 * calibration refuses runs until someone accepts the loss at the press, and the acceptance is
 * written to the store so the next boot reports only new damage.
 */
export class StoreIntegrity {
  /** What the store found at boot (null before boot). */
  mount: StoreMountReport | null = null;
  /** The calibration history was lost at boot and nobody has accepted that at the press: runs are refused. */
  calibrationLost = false;
  /** The store report was accepted at the press (Continue held while idle); the panel stops showing it. */
  accepted = false;
  /** The store report was accepted in a tick: its flash write (a readable, empty history) waits for housekeeping. */
  acceptPending = false;
  /** What the panel shows while idle about the store's report (built at boot). */
  private prompt = '';

  constructor(
    private readonly guard: StoreGuard,
    private readonly calibration: PressCalibration,
    private readonly sequencer: Sequencer,
    private readonly safety: SafetySupervisor,
  ) {}

  /** Mounts the store at boot and records what it found (before the calibration is restored from it). */
  mountStore(): StoreMountReport {
    const mount = this.guard.store.mount();
    this.mount = mount;
    return mount;
  }

  /** After the calibration is restored: a lost history is never a silent fall-back to the factory default. */
  judgeMount(nowMs: number, status: StatusModel): void {
    const mount = this.mount as StoreMountReport;
    const seq = this.sequencer;
    this.calibrationLost = mount.calibration === 'lost';
    if (mount.damaged) {
      const objects = mount.objects;
      seq.events.record(nowMs, EventCause.storeDamaged, seq.state, seq.state, -1, 0, Math.min(0xffff, objects.blocksDamaged + objects.lost.length + mount.logBlocksDamaged));
      this.prompt = this.calibrationLost ? CALIBRATION_LOST_PROMPT : `Store damaged: ${mount.summary}. Hold Continue 3 s to accept`;
      this.report(status);
    }
    if (this.calibrationLost) seq.events.record(nowMs, EventCause.calibrationLost, seq.state, seq.state, -1, 0, 0);
  }

  /** The run journal's store flags for what is in force. */
  get storeFlags(): number {
    return this.calibration.fromStore || this.calibrationLost ? StoreFlag.calibrated : 0;
  }

  /** *TST?'s code for the store (docs/protocol.md): 121 a lost calibration not yet accepted, 120 damage or loss found at boot, else 0. */
  get testCode(): number {
    if (this.calibrationLost) return DeviceError.calibrationLost;
    return this.mount !== null && this.mount.damaged ? DeviceError.storeDamaged : 0;
  }

  /** Queues what the boot's mount found in a session's error queue (power-on, and every session opened after it). */
  report(status: StatusModel): void {
    const mount = this.mount;
    if (mount === null || !mount.damaged) return;
    status.report(DeviceError.storeDamaged, mount.summary, DEVICE_ERROR_MESSAGES[DeviceError.storeDamaged]);
    if (this.calibrationLost) status.report(DeviceError.calibrationLost, 'factory default in force: runs are refused until the loss is accepted at the press (hold Continue 3 s while idle)', DEVICE_ERROR_MESSAGES[DeviceError.calibrationLost]);
  }

  /** One line for SYST:STOR?. */
  get summary(): string {
    const mount = this.mount;
    return mount === null ? 'Not mounted' : !mount.damaged ? 'Store intact' : this.calibrationLost ? `${mount.summary}; runs refused until accepted at the press` : mount.summary;
  }

  /** True while the store's report is shown and the press is idle: holding Continue accepts it. */
  get acceptable(): boolean {
    const seq = this.sequencer;
    return this.prompt !== '' && !this.accepted && !seq.active && !seq.unloading && !this.safety.tripped;
  }

  /** The report is accepted at the press (from the tick), once; logged. Its flash write waits for housekeeping. */
  accept(nowMs: number, pressureMPa: number): void {
    const seq = this.sequencer;
    this.accepted = true;
    seq.events.record(nowMs, EventCause.storeLossAccepted, seq.state, seq.state, -1, pressureMPa, this.calibrationLost ? 1 : 0);
    this.calibrationLost = false;
    this.acceptPending = true;
  }

  /** What the idle panel shows about the store while the report waits ('' when nothing). */
  get idlePrompt(): string {
    if (this.accepted) return '';
    return this.calibrationLost && this.calibration.fromStore ? CALIBRATION_HISTORY_LOST_PROMPT : this.prompt;
  }

  /**
   * After the report was accepted, the store records the acceptance, so the next boot reports
   * only new damage: each lost key gets a whole newest version, the unreadable bytes left in use
   * are zeroed, and an empty history is stored where none is readable (a press on its factory
   * default on purpose is then known from one that lost its history).
   */
  writeAccepted(): void {
    this.acceptPending = false;
    const guard = this.guard;
    const store = guard.store;
    const journal = store.journal;
    const mount = this.mount;
    const calibration = this.calibration;
    guard.write(() => {
      try {
        if (mount !== null) store.objects.acceptDamage(mount.objects.lost);
        if (mount !== null && mount.calibration === 'lost' && !calibration.fromStore) store.resetCalibrationHistory();
      } catch (error) {
        if (!(error instanceof StoreFullError)) throw error;
      }
      journal.acceptDamage();
      journal.setStoreFlags(calibration.fromStore ? StoreFlag.calibrated : 0);
    });
  }
}
