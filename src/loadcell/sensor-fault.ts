/** Sensor fault codes the load-cell pipeline reports to the safety layer (0 = healthy). */
export const SensorFault = Object.freeze({
  none: 0,
  adcError: 1,
  stale: 2,
  saturated: 3,
  /** The raw counts repeated exactly for longer than a live converter's noise allows. */
  stuck: 4,
  /** The force is below zero by more than tare noise and drift, or beyond the cell's safe overload. */
  outOfRange: 5,
  /** Two consecutive conversions differ by more than the hydraulics can change the force. */
  implausibleSlope: 6,
  /** The conversion-to-conversion noise is far above what the cell showed when calibrated. */
  noisy: 7,
} as const);
