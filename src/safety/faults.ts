/** Stable fault codes (docs/faults.md). Numbers never change meaning once released. */
export const FaultCode = {
  none: 0,
  overPressure: 101,
  overForce: 102,
  sensorAdcError: 201,
  sensorStale: 202,
  sensorSaturated: 203,
  sensorStuck: 204,
  sensorOutOfRange: 205,
  sensorSlope: 206,
  emergencyStop: 301,
} as const;

const MESSAGES: Record<number, string> = {
  0: '',
  101: 'pressure above the die rating or program force limit: pump stopped, load released',
  102: 'force above the press frame rating: pump stopped, load released',
  201: 'load-cell ADC reported an error: pump stopped, load released',
  202: 'no fresh load-cell reading: pump stopped, load released',
  203: 'load-cell reading saturated: pump stopped, load released',
  204: 'load-cell reading frozen (identical raw counts, the converter or its bus is stuck): pump stopped, load released',
  205: 'load-cell force outside its plausible range (below zero beyond drift, or past the safe overload): pump stopped, load released',
  206: 'load-cell reading jumped faster than the press can change force (wiring or interference glitch): pump stopped, load released',
  301: 'emergency stop pressed',
};

const NAMES: Record<number, string> = {
  0: 'none',
  101: 'OVER_PRESSURE',
  102: 'OVER_FORCE',
  201: 'SENSOR_ADC',
  202: 'SENSOR_STALE',
  203: 'SENSOR_SATURATED',
  204: 'SENSOR_STUCK',
  205: 'SENSOR_OUT_OF_RANGE',
  206: 'SENSOR_SLOPE',
  301: 'ESTOP',
};

export function faultMessage(code: number): string {
  return MESSAGES[code] ?? `unknown fault ${code}`;
}

export function faultName(code: number): string {
  return NAMES[code] ?? `FAULT_${code}`;
}
