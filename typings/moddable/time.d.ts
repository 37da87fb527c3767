// Moddable "time" module (documentation/base/base.md, class Time). `ticks` is a millisecond
// counter, a signed 32-bit integer on microcontrollers (it wraps; Time.delta handles the wrap).
// `microseconds` exists only when modules/base/microseconds is in the build (ESP32: from
// esp_timer_get_time(), a 64-bit count carried as a float64; not on the Linux simulator).
declare module 'time' {
  const Time: {
    readonly ticks: number;
    /** end − start in milliseconds, correct across a wrap of `ticks`; end defaults to now. */
    delta(start: number, end?: number): number;
    readonly microseconds?: number;
    timezone: number;
    dst: number;
    set(secondsSince1970: number): void;
  };
  export default Time;
}
