/**
 * Oil-pressure transducer on the ram's cylinder: a second force signal, independent of the
 * load cell and of its calibration (oil pressure × ram area, less seal friction and the
 * return spring). Optional on a board. The latest value is a plain property so a reader
 * allocates nothing.
 */
export interface OilPressureSensor {
  /** Area of the ram the oil pushes on, mm² (a fact of the machine, from its data sheet). */
  readonly ramAreaMm2: number;
  /** Full scale of the transducer, MPa. */
  readonly fullScaleMPa: number;
  /** Reads the transducer now (non-blocking). Returns false when it has no valid reading (open loop, out of range). */
  read(): boolean;
  /** Oil pressure of the latest valid read, MPa (gauge). */
  readonly pressureMPa: number;
}
