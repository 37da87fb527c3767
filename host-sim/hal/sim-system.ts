import type { SystemControl } from '../../hal/system';
import { ResetReason } from '../../hal/system';
import type { VirtualClock } from './virtual-time';

/** The chip's reset reason and task watchdog on virtual time. */
export class SimSystem implements SystemControl {
  resetReason: number = ResetReason.powerOn;
  private lastFeedUs = 0;
  /** The watchdog watches once the firmware has fed it (subscribed its task), as on the chip. */
  private armed = false;

  constructor(
    private readonly clock: VirtualClock,
    readonly watchdogTimeoutMs = 1000,
  ) {}

  feedWatchdog(): void {
    this.lastFeedUs = this.clock.nowUs;
    this.armed = true;
  }

  /** The watchdog has not been fed for its timeout: the chip resets. */
  get expired(): boolean {
    return this.armed && this.watchdogTimeoutMs > 0 && this.clock.nowUs - this.lastFeedUs > this.watchdogTimeoutMs * 1000;
  }

  /** The chip restarts: the watchdog is disarmed until the new firmware feeds it. */
  restart(reason: number): void {
    this.resetReason = reason;
    this.armed = false;
  }
}
