import { SensorFault } from '../loadcell/sensor-fault';
import { FaultCode } from './faults';

/**
 * Independent of the controller, runs every tick after it and before the outputs; may
 * override everything. The first fault latches until reset() (an explicit operator or
 * protocol action); while latched the outputs are the safe state: pump off, release open.
 */
export class SafetySupervisor {
  latchedFault: number = FaultCode.none;
  faultTimeMs = 0;
  /** Trip level as die pressure, MPa (die rating ∩ force limits). */
  tripPressureMPa = Infinity;

  constructor(public maxForceKN: number) {}

  get tripped(): boolean {
    return this.latchedFault !== FaultCode.none;
  }

  /** Checks this tick's readings; returns true when the safe state must be driven. */
  check(nowMs: number, pressureMPa: number, forceKN: number, sensorFault: number, estop: boolean): boolean {
    if (this.latchedFault !== FaultCode.none) return true;
    let code: number = FaultCode.none;
    if (estop) code = FaultCode.emergencyStop;
    else if (sensorFault === SensorFault.adcError) code = FaultCode.sensorAdcError;
    else if (sensorFault === SensorFault.stale) code = FaultCode.sensorStale;
    else if (sensorFault === SensorFault.saturated) code = FaultCode.sensorSaturated;
    else if (sensorFault === SensorFault.stuck) code = FaultCode.sensorStuck;
    else if (sensorFault === SensorFault.outOfRange) code = FaultCode.sensorOutOfRange;
    else if (sensorFault === SensorFault.implausibleSlope) code = FaultCode.sensorSlope;
    else if (forceKN > this.maxForceKN) code = FaultCode.overForce;
    else if (pressureMPa > this.tripPressureMPa) code = FaultCode.overPressure;
    if (code === FaultCode.none) return false;
    this.latchedFault = code;
    this.faultTimeMs = nowMs;
    return true;
  }

  reset(): void {
    this.latchedFault = FaultCode.none;
  }
}
