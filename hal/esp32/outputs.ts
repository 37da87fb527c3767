import type { Clock } from '../clock';
import type { LeasedOutput, Pump, ReleaseValve } from '../actuators';
import type { DigitalOut, PwmOut } from './io';

/** Puts a level in [0, 1] on a pin. */
export interface OutputStage {
  readonly proportional: boolean;
  apply(level: number): void;
}

/** A relay, SSR or solenoid: on at 0.5 and above. */
export class SwitchStage implements OutputStage {
  readonly proportional = false;
  constructor(
    private readonly pin: DigitalOut,
    private readonly activeLow: boolean,
  ) {}

  apply(level: number): void {
    const on = level >= 0.5;
    this.pin.write(on !== this.activeLow ? 1 : 0);
  }
}

/** A PWM duty cycle (motor driver, proportional valve amplifier). */
export class PwmStage implements OutputStage {
  readonly proportional = true;
  private readonly maxDuty: number;
  constructor(
    private readonly pwm: PwmOut,
    private readonly activeLow: boolean,
  ) {
    this.maxDuty = 2 ** pwm.resolution - 1;
  }

  apply(level: number): void {
    const duty = Math.round((this.activeLow ? 1 - level : level) * this.maxDuty);
    this.pwm.write(duty);
  }
}

/** A valve open without power: the level is its opening, the drive is the energy that closes it. */
export class NormallyOpenStage implements OutputStage {
  readonly proportional: boolean;
  constructor(private readonly drive: OutputStage) {
    this.proportional = drive.proportional;
  }

  apply(opening: number): void {
    this.drive.apply(1 - opening);
  }
}

/** The pump and the directional valve that advances the ram: the valve is energised while the pump runs. */
export class PumpWithAdvanceValveStage implements OutputStage {
  readonly proportional: boolean;
  constructor(
    private readonly pump: OutputStage,
    private readonly advanceValve: OutputStage,
  ) {
    this.proportional = pump.proportional;
  }

  apply(level: number): void {
    const running = this.proportional ? level > 0 : level >= 0.5;
    this.advanceValve.apply(running ? 1 : 0);
    this.pump.apply(level);
  }
}

/**
 * A leased output on the board (hal/actuators.ts). command() applies the level at once and
 * records when its lease ends; enforce(), called by the board's lease guard timer and by
 * every read of appliedLevel, drops it to the safe level after that. The pins only change
 * when the level does. Behind this, the task watchdog restarts the chip when the JavaScript
 * thread hangs (the pins then reset to inputs: the drive circuits must be off without a
 * driven signal, docs/hardware.md).
 */
export class LeasedDrive implements LeasedOutput {
  readonly proportional: boolean;
  leaseExpiries = 0;
  private level: number;
  private driven = NaN;
  private leaseEndMs = -1;

  constructor(
    private readonly stage: OutputStage,
    private readonly clock: Clock,
    readonly safeLevel: number,
  ) {
    this.proportional = stage.proportional;
    this.level = safeLevel;
    this.drive(safeLevel);
  }

  get appliedLevel(): number {
    this.enforce(this.clock.nowMs());
    return this.level;
  }

  command(level: number, leaseMs: number): void {
    let clamped = level < 0 ? 0 : level > 1 ? 1 : level;
    if (clamped !== clamped) clamped = this.safeLevel;
    if (!this.proportional) clamped = clamped >= 0.5 ? 1 : 0;
    this.level = clamped;
    // A lease that is not a positive number of ms (NaN included) ends at once.
    this.leaseEndMs = this.clock.nowMs() + (leaseMs > 0 ? leaseMs : 0);
    // Nearly every tick renews the lease at the same level: no call to drive() then.
    if (clamped !== this.driven) this.drive(clamped);
  }

  safe(): void {
    this.level = this.safeLevel;
    this.leaseEndMs = -1;
    this.drive(this.safeLevel);
  }

  /** Drops an expired lease. */
  enforce(nowMs: number): void {
    if (this.leaseEndMs >= 0 && nowMs > this.leaseEndMs) {
      this.leaseEndMs = -1;
      this.level = this.safeLevel;
      this.leaseExpiries++;
      this.drive(this.safeLevel);
    }
  }

  private drive(level: number): void {
    if (level === this.driven) return;
    this.driven = level;
    this.stage.apply(level);
  }
}

export class EspPump extends LeasedDrive implements Pump {
  constructor(stage: OutputStage, clock: Clock) {
    super(stage, clock, 0);
  }
}

export class EspReleaseValve extends LeasedDrive implements ReleaseValve {
  constructor(
    stage: OutputStage,
    clock: Clock,
    readonly fallbackLevel: number,
  ) {
    super(stage, clock, fallbackLevel);
  }
}

/** Runs every output's lease check; the board calls run() from its own Timer.repeat. */
export class LeaseGuard {
  constructor(
    private readonly clock: Clock,
    private readonly outputs: readonly LeasedDrive[],
  ) {}

  run(): void {
    const nowMs = this.clock.nowMs();
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) outputs[i].enforce(nowMs);
  }
}
