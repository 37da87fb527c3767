import type { LoadCellCalibration } from '../loadcell/calibration';
import { SensorFault } from '../loadcell/sensor-fault';
import { CommissionedGuard } from './commissioned-guard';
import { OilCrossCheck, OilVerdict } from './oil-cross-check';
import { FaultCode, FaultReaction, faultReaction } from './faults';
import { HydraulicsWatch } from './hydraulics-watch';
import type { SafetyInputs } from './safety-inputs';

const SENSOR_FAULT_CODES: readonly number[] = Object.freeze([
  FaultCode.none,
  FaultCode.sensorAdcError,
  FaultCode.sensorStale,
  FaultCode.sensorSaturated,
  FaultCode.sensorStuck,
  FaultCode.sensorOutOfRange,
  FaultCode.sensorSlope,
  FaultCode.sensorNoisy,
]);

/** By OilVerdict. */
const OIL_FAULT_CODES: readonly number[] = Object.freeze([FaultCode.none, FaultCode.overForceOil, FaultCode.forceSignalsDisagree, FaultCode.oilPressureSensor]);

/**
 * Independent of the controller: runs every tick after it and before the outputs, and may
 * override everything. It reads the measurement, the step's limits and what the outputs
 * were driven at; it never reads the controller's state. The first fault latches until
 * reset() (an explicit operator or protocol action); while latched the pump and its power
 * contactor are off and the release valve opens (fully, or under control for faults that
 * unload).
 */
export class SafetySupervisor {
  latchedFault: number = FaultCode.none;
  faultTimeMs = 0;
  /** Trip level as die pressure, MPa (die rating ∩ force limits). */
  tripPressureMPa = Infinity;
  readonly hydraulics: HydraulicsWatch;
  /** The force limits on the raw counts through the commissioned calibration: what a wrong calibration in force cannot hide. */
  readonly commissioned: CommissionedGuard;
  /** The oil-pressure transducer against the limits and the load cell, where the board has one. */
  readonly oil: OilCrossCheck;

  constructor(
    public maxForceKN: number,
    capacityKN: number,
    /** Longest gap between ticks before the outputs' leases could have run out, ms. */
    readonly stallAfterMs: number,
    /** The calibration the press was commissioned with (src/safety/commissioned-guard.ts). */
    commissionedCalibration: LoadCellCalibration,
    /** The board's oil-pressure transducer (ram area, full scale), or null when it has none. */
    oilTransducer: { readonly ramAreaMm2: number; readonly fullScaleMPa: number } | null = null,
  ) {
    this.hydraulics = new HydraulicsWatch(capacityKN);
    this.commissioned = new CommissionedGuard(maxForceKN, capacityKN, commissionedCalibration);
    this.oil = oilTransducer === null ? new OilCrossCheck(false, maxForceKN, NaN, NaN) : new OilCrossCheck(true, maxForceKN, oilTransducer.ramAreaMm2, oilTransducer.fullScaleMPa);
  }

  get tripped(): boolean {
    return this.latchedFault !== FaultCode.none;
  }

  /**
   * The latched fault was found on the raw counts through the commissioned calibration (104,
   * 105): the reading in force is the suspect, so the fault's event carries the commissioned one.
   */
  get judgedOnCommissioned(): boolean {
    const code = this.latchedFault;
    return code === FaultCode.overForceRaw || code === FaultCode.calibrationMismatch;
  }

  /** The latched fault lets the load down under control rather than dumping it. */
  get unloads(): boolean {
    return faultReaction(this.latchedFault) === FaultReaction.unload;
  }

  /** Checks this tick's inputs (what each is: SafetyInputs). Returns true when the safe state must be driven. */
  check(inputs: SafetyInputs): boolean {
    if (this.latchedFault !== FaultCode.none) return true;
    const gapMs = inputs.gapMs;
    const pressureMPa = inputs.pressureMPa;
    const forceKN = inputs.forceKN;
    const rawCounts = inputs.rawCounts;
    const sensorFault = inputs.sensorFault;
    const watch = this.hydraulics;
    const commissioned = this.commissioned;
    let code: number = FaultCode.none;
    let oilVerdict: number = OilVerdict.ok;
    if (inputs.estop) code = FaultCode.emergencyStop;
    else if (gapMs > this.stallAfterMs) code = FaultCode.loopStall;
    else if (sensorFault !== SensorFault.none) code = SENSOR_FAULT_CODES[sensorFault];
    // Before every check that trusts the reading: a calibration that disagrees makes them all wrong.
    else if (commissioned.disagrees(rawCounts, forceKN)) code = FaultCode.calibrationMismatch;
    else if (forceKN > this.maxForceKN) code = FaultCode.overForce;
    else if (pressureMPa > this.tripPressureMPa) code = FaultCode.overPressure;
    else if (commissioned.overCeiling(rawCounts)) code = FaultCode.overForceRaw;
    else if ((oilVerdict = this.oil.judge(inputs.oilForceKN, commissioned.commissionedKN, commissioned.ceilingKN, gapMs)) !== OilVerdict.ok) code = OIL_FAULT_CODES[oilVerdict];
    else if (pressureMPa > inputs.stepLimitMPa) code = FaultCode.overStepLimit;
    else {
      watch.update(inputs.drivenPumpLevel, inputs.drivenReleaseLevel, forceKN, gapMs / 1000);
      if (watch.riseWithPumpOff) code = FaultCode.riseWithPumpOff;
      else if (watch.pressureDrop) code = FaultCode.pressureDrop;
      else if (watch.releaseBlocked) code = FaultCode.releaseBlocked;
      else if (watch.pumpNoRise) code = FaultCode.pumpNoRise;
      else if (inputs.stepOverdue) code = FaultCode.stepTimeout;
    }
    if (code === FaultCode.none) return false;
    this.latch(code, inputs.nowMs);
    return true;
  }

  /** Latches a fault found outside the tick (at boot: watchdog reset, interrupted run). */
  latch(code: number, nowMs: number): void {
    if (this.latchedFault !== FaultCode.none) return;
    this.latchedFault = code;
    this.faultTimeMs = nowMs;
  }

  reset(): void {
    this.latchedFault = FaultCode.none;
    this.hydraulics.reset();
    this.oil.reset();
  }
}
