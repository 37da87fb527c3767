/**
 * What the safety supervisor judges each tick (SafetySupervisor.check). Its owner creates one
 * and fills it in place every tick, so the tick allocates nothing.
 */
export class SafetyInputs {
  /** The tick's time, ms. */
  nowMs = 0;
  /** Time since the last tick, ms. */
  gapMs = 0;
  /** The measured die pressure, MPa. */
  pressureMPa = 0;
  /** The measured force, kN. */
  forceKN = 0;
  /** The converter counts forceKN was computed from. */
  rawCounts = 0;
  /** Oil pressure × ram area, kN; NaN without a valid reading (ignored when the board has no transducer). */
  oilForceKN = NaN;
  /** The load cell's fault, one of SensorFault. */
  sensorFault = 0;
  /** The emergency stop is pressed (debounced). */
  estop = false;
  /** The running step's pressure limit, MPa (Infinity outside a run). */
  stepLimitMPa = Infinity;
  /** The running step is past its deadline. */
  stepOverdue = false;
  /** Levels the outputs were driven at since the last tick, 0..1. */
  drivenPumpLevel = 0;
  drivenReleaseLevel = 0;
}
