import type { SystemControl } from '../system';
import { ResetReason } from '../system';

/** ESP-IDF esp_reset_reason_t values (esp_system.h), as Moddable's resetReason module returns them. */
export const EspResetReason = Object.freeze({
  unknown: 0,
  powerOn: 1,
  externalPin: 2,
  software: 3,
  panic: 4,
  interruptWatchdog: 5,
  taskWatchdog: 6,
  otherWatchdog: 7,
  deepSleep: 8,
  brownout: 9,
  sdio: 10,
  usb: 11,
  jtag: 12,
  efuse: 13,
  powerGlitch: 14,
  cpuLockup: 15,
} as const);

/**
 * The HAL's reset reason for an ESP-IDF one. The reset button (EN pin) counts as a power-on:
 * the operator restarted the controller. A USB or JTAG reset is a restart by the host, i.e.
 * software. Every watchdog is a watchdog: the firmware latches WATCHDOG_RESET after it.
 */
export function mapEspResetReason(reason: number): number {
  switch (reason) {
    case EspResetReason.powerOn:
    case EspResetReason.externalPin:
      return ResetReason.powerOn;
    case EspResetReason.software:
    case EspResetReason.usb:
    case EspResetReason.jtag:
      return ResetReason.software;
    case EspResetReason.interruptWatchdog:
    case EspResetReason.taskWatchdog:
    case EspResetReason.otherWatchdog:
      return ResetReason.watchdog;
    case EspResetReason.brownout:
    case EspResetReason.powerGlitch:
      return ResetReason.brownout;
    case EspResetReason.panic:
    case EspResetReason.cpuLockup:
      return ResetReason.panic;
    default:
      return ResetReason.unknown;
  }
}

/** The task watchdog user the firmware feeds (hal/esp32/native/task-wdt.c). */
export interface WatchdogIo {
  /** Subscribes the user to the task watchdog; false when the watchdog is not enabled in sdkconfig. */
  subscribe(): boolean;
  feed(): void;
}

/**
 * Reset reason and task watchdog. The Moddable runtime feeds the task watchdog for its own
 * task whenever its event loop turns, so that alone would only catch a JavaScript thread that
 * hangs. The firmware's watchdog is a second user of the same task watchdog, fed only by a
 * tick that ran on a fresh sample (src/firmware.ts): a loop that runs without a sensor
 * lets it bite too. The user subscribes at the first feed, as the simulated one arms.
 */
export class EspSystem implements SystemControl {
  readonly resetReason: number;
  /** The ESP-IDF reset reason as read at boot. */
  readonly espResetReason: number;
  private readonly configuredTimeoutMs: number;
  /** 0 before the first feed, 1 subscribed, −1 the build has no task watchdog. */
  private subscription = 0;

  constructor(
    espResetReason: number,
    private readonly watchdog: WatchdogIo | null,
    watchdogTimeoutMs: number,
  ) {
    this.espResetReason = espResetReason;
    this.resetReason = mapEspResetReason(espResetReason);
    this.configuredTimeoutMs = watchdog === null ? 0 : watchdogTimeoutMs;
  }

  /** The configured timeout; 0 once the build turned out to have no task watchdog (debug builds). */
  get watchdogTimeoutMs(): number {
    return this.subscription < 0 ? 0 : this.configuredTimeoutMs;
  }

  feedWatchdog(): void {
    const watchdog = this.watchdog;
    if (watchdog === null || this.subscription < 0) return;
    if (this.subscription === 0) {
      this.subscription = watchdog.subscribe() ? 1 : -1;
      if (this.subscription < 0) return;
    }
    watchdog.feed();
  }
}
