import type { Pump, ReleaseValve } from '../../hal/actuators';
import type { VirtualClock } from './virtual-time';

/** A leased output on virtual time: past its lease it drops to its safe level by itself. */
export class SimLeasedOutput {
  appliedLevel = 0;
  leaseExpiries = 0;
  private leaseEndUs = -1;

  constructor(protected readonly clock: VirtualClock, readonly safeLevel: number, readonly proportional: boolean) {
    this.appliedLevel = safeLevel;
  }

  command(level: number, leaseMs: number): void {
    let clamped = level < 0 ? 0 : level > 1 ? 1 : level;
    if (clamped !== clamped) clamped = this.safeLevel;
    if (!this.proportional) clamped = clamped >= 0.5 ? 1 : 0;
    this.appliedLevel = clamped;
    this.leaseEndUs = this.clock.nowUs + Math.round(leaseMs * 1000);
  }

  safe(): void {
    this.appliedLevel = this.safeLevel;
    this.leaseEndUs = -1;
  }

  /** The simulator calls this every physics step: the dead-man check of the output driver. */
  enforceLease(): void {
    if (this.leaseEndUs >= 0 && this.clock.nowUs > this.leaseEndUs) {
      this.appliedLevel = this.safeLevel;
      this.leaseEndUs = -1;
      this.leaseExpiries++;
    }
  }
}

export class SimPump extends SimLeasedOutput implements Pump {
  constructor(clock: VirtualClock, proportional = true) {
    super(clock, 0, proportional);
  }
}

export class SimReleaseValve extends SimLeasedOutput implements ReleaseValve {
  constructor(clock: VirtualClock, readonly fallbackLevel = 1, proportional = true) {
    super(clock, fallbackLevel, proportional);
  }
}

/** The pump's power contactor: a relay, off unless leased on. */
export class SimPumpPower extends SimLeasedOutput {
  constructor(clock: VirtualClock) {
    super(clock, 0, false);
  }
}
