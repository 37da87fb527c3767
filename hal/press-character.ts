/**
 * How a press behaves, as measured when it is commissioned (docs/hardware.md,
 * "Commissioning"): the facts the feasibility check and the control law's delivery need
 * before a run. Optional on a board: without it the firmware makes no prediction and says so.
 */
export interface PressCharacter {
  /**
   * Largest jump of the die force when the stuck ram breaks loose, N: seal breakaway less
   * sliding friction, times the share the frame and sample take from the oil column.
   * 0: no stick-slip.
   */
  stickSlipJumpN: number;
  /** Die force the seal lets through smoothly before it breaks loose (presliding), N. */
  preslidingForceN: number;
  /** Load-cell noise of one conversion, N rms. */
  loadCellNoiseN: number;
  /** Fastest zero drift of the load cell (temperature), N per hour, and the most it drifts, N. */
  loadCellDriftNPerHour: number;
  loadCellDriftLimitN: number;
  /** Conversions per second of the load-cell converter. */
  conversionsPerS: number;
  /** Age of a conversion when the firmware receives it, s (window centre to delivery). */
  conversionAgeS: number;
  /** 'gear': steady flow; 'piston': flow in strokes. */
  pumpKind: 'gear' | 'piston';
  /** Piston pump: strokes per second at full speed and pistons; oil of one stroke, mm³. */
  pumpStrokesPerS: number;
  pumpPistons: number;
  pumpStrokeMm3: number;
  /** Pump motor: time constant of its speed after a step in the command, s (63 % of the step). */
  pumpTimeConstantS: number;
  /** Ram area, mm² (oil force = oil pressure × area). */
  ramAreaMm2: number;
  /** Oil column stiffness at the ram, N/mm (ram area² / oil compliance), and the frame's. */
  oilStiffnessNPerMm: number;
  /** The same at 1 MPa of oil pressure, N/mm: lower when air is entrained in the oil (it compresses). */
  oilStiffnessAt1MPaNPerMm: number;
  frameStiffnessNPerMm: number;
}
