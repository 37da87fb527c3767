/** Stable fault codes (docs/faults.md). Numbers never change meaning once released. */
import { deepFreeze } from '../frozen';
export const FaultCode = Object.freeze({
  none: 0,
  overPressure: 101,
  overForce: 102,
  overStepLimit: 103,
  overForceRaw: 104,
  calibrationMismatch: 105,
  overForceOil: 106,
  sensorAdcError: 201,
  sensorStale: 202,
  sensorSaturated: 203,
  sensorStuck: 204,
  sensorOutOfRange: 205,
  sensorSlope: 206,
  sensorNoisy: 207,
  oilPressureSensor: 208,
  forceSignalsDisagree: 209,
  emergencyStop: 301,
  pumpNoRise: 401,
  riseWithPumpOff: 402,
  pressureDrop: 403,
  releaseBlocked: 404,
  loopStall: 501,
  watchdogReset: 502,
  runInterrupted: 503,
  stepTimeout: 601,
} as const);

/**
 * What the outputs do while a fault is latched. Both cut the pump and its power contactor.
 * dump: the release valve opens fully at once (over-pressure, no trustworthy reading, a
 * runaway). unload: the release valve lets the load down at the program's release rate, so a
 * brittle pellet is not cracked by a fault the press itself can still control (pump failure,
 * step timeout); at the zero level the valve opens fully.
 */
export const FaultReaction = Object.freeze({ dump: 0, unload: 1 } as const);

interface FaultInfo {
  name: string;
  reaction: number;
  message: string;
  /** 'remote': the protocol may clear it when the setting remote_fault_reset is 'process'. Absent: only at the press. */
  resetAt?: 'remote';
}

const { dump, unload } = FaultReaction;

const FAULTS: Record<number, FaultInfo> = deepFreeze({
  101: { name: 'OVER_PRESSURE', reaction: dump, message: 'pressure above the die rating or the program force limit: pump stopped, load released' },
  102: { name: 'OVER_FORCE', reaction: dump, message: 'force above the press frame rating: pump stopped, load released' },
  103: { name: 'OVER_STEP_LIMIT', reaction: dump, message: 'pressure far above the step target and its band: pump stopped, load released' },
  104: { name: 'OVER_FORCE_RAW', reaction: dump, message: 'the raw load-cell signal passed the ceiling derived from the commissioned calibration (the calibration in force reads low): pump stopped, load released' },
  105: { name: 'CALIBRATION_MISMATCH', reaction: dump, message: 'the calibration in force disagrees with the commissioned one on the force: pump stopped, load released' },
  106: { name: 'OVER_FORCE_OIL', reaction: dump, message: 'oil pressure × ram area, less seal friction, passed the force ceiling whatever the load cell says: pump stopped, load released' },
  201: { name: 'SENSOR_ADC', reaction: dump, message: 'load-cell converter reported an error: pump stopped, load released' },
  202: { name: 'SENSOR_STALE', reaction: dump, message: 'no fresh load-cell reading: pump stopped, load released' },
  203: { name: 'SENSOR_SATURATED', reaction: dump, message: 'load-cell reading saturated: pump stopped, load released' },
  204: { name: 'SENSOR_STUCK', reaction: dump, message: 'load-cell reading frozen (the converter or its bus is stuck): pump stopped, load released' },
  205: { name: 'SENSOR_OUT_OF_RANGE', reaction: dump, message: 'load-cell force outside its plausible range: pump stopped, load released' },
  206: { name: 'SENSOR_SLOPE', reaction: dump, message: 'load-cell reading jumped faster than the press can change force: pump stopped, load released' },
  207: { name: 'SENSOR_NOISY', reaction: dump, message: 'load-cell reading far noisier than calibrated (loose connector, cable, interference): pump stopped, load released' },
  208: { name: 'OIL_PRESSURE_SENSOR', reaction: dump, message: 'the oil-pressure transducer gives no valid reading (open loop, out of range): pump stopped, load released' },
  209: { name: 'FORCE_SIGNALS_DISAGREE', reaction: dump, message: 'the load cell and the oil pressure × ram area disagree on the force by more than seal friction explains: pump stopped, load released' },
  301: { name: 'ESTOP', reaction: dump, message: 'emergency stop pressed: pump power cut, load released' },
  401: { name: 'PUMP_NO_RISE', reaction: unload, message: 'pump running but the pressure does not rise (pump failure, leak, empty reservoir): pump stopped, load let down' },
  402: { name: 'RISE_PUMP_OFF', reaction: dump, message: 'pressure rising with the pump off (pump relay stuck on): pump power cut, load released' },
  403: { name: 'PRESSURE_DROP', reaction: dump, message: 'pressure falling fast with the release valve shut (burst hose, broken fitting): pump stopped, valve opened' },
  404: { name: 'RELEASE_BLOCKED', reaction: dump, message: 'release valve open but the pressure does not fall (valve stuck or blocked): pump stopped; release the press by hand' },
  501: { name: 'LOOP_STALL', reaction: dump, message: 'the control loop missed its deadline for longer than the output leases: pump stopped, load released' },
  502: { name: 'WATCHDOG_RESET', reaction: dump, message: 'the controller restarted after a watchdog reset: it started safe and did not resume the run' },
  503: { name: 'RUN_INTERRUPTED', reaction: dump, message: 'a run was interrupted by a power loss or reset: it is marked in the log and was not resumed', resetAt: 'remote' },
  601: { name: 'STEP_TIMEOUT', reaction: unload, message: 'a step did not reach its target in time: pump stopped, load let down', resetAt: 'remote' },
});

export function faultName(code: number): string {
  return code === 0 ? 'none' : (FAULTS[code]?.name ?? `FAULT_${code}`);
}

export function faultMessage(code: number): string {
  return code === 0 ? '' : (FAULTS[code]?.message ?? `unknown fault ${code}`);
}

export function faultReaction(code: number): number {
  return FAULTS[code]?.reaction ?? dump;
}

/** Every defined code, ascending (docs and tests walk it). */
export const FAULT_CODES: readonly number[] = Object.freeze(Object.keys(FAULTS)
  .map(Number)
  .sort((a, b) => a - b));

/** The panel's text for a code: "<code> <NAME>", '' for none. Preallocated so the tick can read it. */
const PANEL_LABELS: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(FAULT_CODES.map((code) => [code, `${code} ${FAULTS[code].name}`])));

export function faultLabel(code: number): string {
  return code === 0 ? '' : (PANEL_LABELS[code] ?? `${code}`);
}

/** What the panel asks of the operator while a fault is latched. */
const PANEL_PROMPTS: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(FAULT_CODES.map((code) => [code, code === FaultCode.emergencyStop ? 'E-stop: release it, then hold Stop 2 s to reset' : `${FAULTS[code].name}: see docs/faults.md, then hold Stop 2 s to reset`])),
);

export function faultPrompt(code: number): string {
  return PANEL_PROMPTS[code] ?? '';
}

/**
 * Safety faults, by group (the code's hundreds): 1xx over-pressure and over-force, 2xx the load
 * cell, 3xx the emergency stop and guard, 4xx the hydraulics. A new code in one of these groups is
 * a safety fault without further ado; it resets only at the press, whatever its table entry says.
 */
export function isSafetyFault(code: number): boolean {
  const group = Math.floor(code / 100);
  return group >= 1 && group <= 4;
}

/**
 * True when the protocol may clear this fault (setting remote_fault_reset = 'process'): a process
 * fault marked resetAt 'remote' (503, 601). Safety faults, the controller's own failures (501,
 * 502), the store's (5xx) and every code not in the table reset only at the press.
 */
export function faultRemoteResettable(code: number): boolean {
  return !isSafetyFault(code) && FAULTS[code]?.resetAt === 'remote';
}

/** The panel's notice when the protocol tried to clear a fault that resets only at the press (built once). */
const PRESS_ONLY_NOTICES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(FAULT_CODES.map((code) => [code, `Refused remote reset: ${code} ${FAULTS[code].name} resets at the press: hold Stop 2 s`])));

export function pressOnlyResetNotice(code: number): string {
  return PRESS_ONLY_NOTICES[code] ?? 'Refused remote reset: this fault resets at the press: hold Stop 2 s';
}
