import type { PressStore } from '../store/press-store';
import { StoreFullError } from '../store/object-store';
import type { Sequencer } from '../runner/sequencer';
import type { PressOutputs } from './outputs';

/**
 * The device setting that says which latched faults the protocol may clear: 'none' (the
 * default: every fault resets only at the press) or 'process' (503 and 601, see
 * faultRemoteResettable). Any other value counts as 'none'. No protocol command writes it.
 */
export const REMOTE_FAULT_RESET_SETTING = 'remote_fault_reset';
export const REMOTE_FAULT_RESET_MODES: readonly string[] = Object.freeze(['none', 'process']);

/**
 * When the object store (programs, calibration, settings) may be written — after the boot's
 * mount and while no run holds the press — and the writing itself, with the outputs held
 * safe through the flash stall. Every write of the firmware goes through here.
 */
export class StoreGuard {
  booted = false;

  constructor(
    readonly store: PressStore,
    private readonly sequencer: Sequencer,
    private readonly outputs: PressOutputs,
  ) {}

  /** True while a run (or the let-down after one) holds the press: flash scans and writes wait. */
  get busy(): boolean {
    return this.sequencer.active || this.sequencer.unloading;
  }

  /** Why the object store cannot be written now, or null. */
  refusal(): string | null {
    if (!this.booted) return 'the store is not mounted yet';
    if (this.busy) return 'a run is in progress: programs, calibration and settings are written while the press is idle';
    return null;
  }

  /** Runs a flash write or erase with the outputs held for it (PressOutputs.holdForFlash). */
  write(write: () => void): void {
    this.outputs.holdForFlash(write);
  }

  /** Writes numeric settings together, in one new settings object. */
  saveSettings(...entries: [string, number][]): void {
    const settings = this.store.settings();
    for (const [key, value] of entries) settings.set(key, value);
    this.store.saveSettings(settings);
  }

  /** The setting remote_fault_reset as stored (undefined when unset); reads the store, so not from the tick. */
  remoteFaultResetSetting(): number | string | undefined {
    return this.store.settings().get(REMOTE_FAULT_RESET_SETTING);
  }

  /** What the protocol may reset: 'process' only when the setting says exactly that, else 'none'. */
  remoteFaultResetMode(): 'none' | 'process' {
    return this.remoteFaultResetSetting() === 'process' ? 'process' : 'none';
  }

  /**
   * Commissioning: sets remote_fault_reset ('none' or 'process'). For code in the firmware's
   * process (a commissioning tool, the simulator's configuration); no protocol command calls it.
   * Returns null, or why it cannot.
   */
  setRemoteFaultReset(mode: string): string | null {
    if (!REMOTE_FAULT_RESET_MODES.includes(mode)) return `${REMOTE_FAULT_RESET_SETTING}: ${JSON.stringify(mode)} is not one of ${REMOTE_FAULT_RESET_MODES.join(', ')}`;
    const refusal = this.refusal();
    if (refusal !== null) return refusal;
    const settings = this.store.settings();
    settings.set(REMOTE_FAULT_RESET_SETTING, mode);
    try {
      this.write(() => this.store.saveSettings(settings));
    } catch (error) {
      if (error instanceof StoreFullError) return error.message;
      throw error;
    }
    return null;
  }
}
