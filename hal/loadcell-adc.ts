/**
 * Load-cell ADC (ADS1220 over SPI with DRDY, or HX711). Non-blocking: `poll()` never
 * waits for a conversion. The latest conversion is exposed through plain properties so a
 * reader allocates nothing.
 */
export interface LoadCellAdc {
  /** Conversions per second the converter is configured for. */
  readonly sampleRateSps: number;
  /** Largest magnitude the converter can report (2^23 − 1 for a 24-bit part). */
  readonly fullScaleCounts: number;
  /**
   * Collects a finished conversion if there is one. Returns true when `counts` and
   * `sampleTimeMs` now hold a sample that was not returned before.
   */
  poll(): boolean;
  /** Signed raw counts of the latest conversion. */
  readonly counts: number;
  /** Clock time (ms) at which the latest conversion completed. */
  readonly sampleTimeMs: number;
  /** Sticky error code (one of AdcError), 0 when healthy. Cleared only by clearError(). */
  readonly error: number;
  clearError(): void;
}

/** Sticky ADC error codes (plain numbers: no const enums across modules). */
export const AdcError = Object.freeze({
  none: 0,
  timeout: 1,
  saturated: 2,
  notReady: 3,
  bus: 4,
} as const);
