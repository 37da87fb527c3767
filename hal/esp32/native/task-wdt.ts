import type { WatchdogIo } from '../system';

/** A user of ESP-IDF's task watchdog (task-wdt.c beside this file). */
export class NativeTaskWatchdog implements WatchdogIo {
  subscribe(): boolean {
    return native('xs_press_twdt_subscribe').call(this);
  }

  feed(): void {
    native('xs_press_twdt_feed').call(this);
  }
}
