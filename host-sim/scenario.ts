import type { Board } from '../hal/board';
import { deviceCapabilities } from '../src/firmware';
import type { FirmwareConfig, PressFirmware } from '../src/firmware';
import type { LoadCellCalibration } from '../src/loadcell/calibration';
import type { PressApp } from '../src/press-app';
import { composePress, pressConfig } from '../src/press-app';
import type { DeviceCapabilities } from '../src/programs/program';
import type { RunReport } from '../src/runner/report';
import { RunState } from '../src/runner/run-state';
import type { ValidationError } from '../src/programs/validate';
import { PressSimulator, simulatedPressLimits } from './simulator';
import type { FaultSpec, SimulatorOptions } from './simulator';
import type { Plant } from './plants';
import { DEFAULT_PLANT, sampleLayers } from './plants';
import { Trace } from './trace';
import { dieDiameterMm } from '../src/units';

export interface DryRunOptions {
  seed: number;
  /** The simulated press, load cell and sample (default: the press-10t preset). */
  plant: Plant;
  /** Faults to inject during the run. */
  faults: FaultSpec[];
  simulator: Partial<SimulatorOptions>;
  /** Extra simulated time after the program ends (release settling), s. */
  tailS: number;
  /** Hard stop for a run that never ends, s of simulated time. */
  maxSimTimeS: number;
  /** Record a trace row every N control ticks (0: no trace). */
  traceEveryTicks: number;
  /** Firmware settings to change from the simulated board's defaults (loop rate, control law). */
  firmware: Partial<FirmwareConfig>;
  /** Called after every control tick (benchmarks collect their figures here). */
  onTick: (session: DryRunSession) => void;
  /** The board the firmware runs on, built around the simulated press (default: the simulator's own, sim.board). */
  board: (sim: PressSimulator) => Board;
}

export interface LayerReport {
  material: string;
  mass_mg: number;
  thickness_mm: number;
  relative_density: number;
}

export interface DryRunResult {
  valid: boolean;
  errors: ValidationError[];
  report: RunReport | null;
  layers: LayerReport[];
  simTimeS: number;
  ticks: number;
  overruns: number;
  leaseExpiries: number;
  trace: Trace | null;
}

export function defaultSimulatorOptions(seed: number, plant: Plant = DEFAULT_PLANT): SimulatorOptions {
  return {
    seed,
    press: plant.press,
    sensor: plant.sensor,
    dieDiameterMm: 10,
    ...sampleLayers(plant.sample),
    operatorDelayS: 20,
    physicsStepUs: 1000,
    maxRateMPaPerS: plant.maxRateMPaPerS,
  };
}

/** A simulated load cell calibrated exactly: the tare is its offset, the span its sensitivity. */
export function simulatedCalibration(sensor: SimulatorOptions['sensor']): LoadCellCalibration {
  return { tareCounts: sensor.offsetCounts, kNPerCount: 1 / (sensor.countsPerN * 1000) };
}

/** What a calibration of the simulated cell would set besides: the noise limit, 8× the cell's own noise. */
export function simulatedFirmwareChanges(sensor: SimulatorOptions['sensor']): Partial<FirmwareConfig> {
  return { noiseLimitKN: (8 * sensor.noiseRmsN) / 1000 };
}

/** The firmware configuration for a simulated load cell (the composition root's, with the simulated calibration). */
export function simulatedFirmwareConfig(sensor: SimulatorOptions['sensor']): FirmwareConfig {
  return pressConfig(simulatedCalibration(sensor), simulatedFirmwareChanges(sensor));
}

/** What the firmware on a simulated press validates programs against. */
export function simulatedDeviceCapabilities(plant: Plant = DEFAULT_PLANT): DeviceCapabilities {
  const options = defaultSimulatorOptions(1, plant);
  return deviceCapabilities(simulatedPressLimits(options), simulatedFirmwareConfig(options.sensor));
}

const START_DELAY_S = 0.5;

export interface DryRunSession {
  readonly sim: PressSimulator;
  /** The press on the simulated board, from the composition root. */
  readonly app: PressApp;
  /** The firmware running now: a new instance after every simulated reset or power cycle. */
  readonly firmware: PressFirmware;
  readonly errors: ValidationError[];
}

/** Builds the simulated press and the firmware on it, with the program selected (or its errors). */
export function createDryRunSession(programJson: unknown, options: Partial<DryRunOptions> = {}): DryRunSession {
  const seed = options.seed ?? 1;
  const simOptions: SimulatorOptions = { ...defaultSimulatorOptions(seed, options.plant), faults: options.faults, ...options.simulator };
  const programDiameterMm = dieDiameterOf(programJson);
  if (options.simulator?.dieDiameterMm === undefined && programDiameterMm !== undefined) {
    simOptions.dieDiameterMm = programDiameterMm;
  }
  const sim = new PressSimulator(simOptions);
  const board = options.board === undefined ? sim.board : options.board(sim);
  const app = composePress(board, simulatedCalibration(simOptions.sensor), { ...simulatedFirmwareChanges(simOptions.sensor), ...options.firmware });
  // As on the press: the program is validated and stored in flash, then selected from there.
  app.boot();
  const selection = app.firmware.storeProgram(programJson);
  if (selection.ok) {
    const problem = app.firmware.selectStoredProgram(selection.program.name);
    if (problem !== null) throw new Error(`dry run: the stored program cannot be selected: ${problem}`);
  }
  // The chip restarts: a fresh firmware boots on the same board and flash. Nothing is selected
  // and nothing starts by itself.
  sim.onReset = () => app.restart();
  return {
    sim,
    app,
    get firmware() {
      return app.firmware;
    },
    errors: selection.errors,
  };
}

/**
 * Dry-runs a program: the firmware core on the simulated press, in virtual time, with the
 * simulated operator pressing Start and answering prompts. Pure: no I/O, so it runs in
 * Node and in XS alike.
 */
export function dryRun(programJson: unknown, options: Partial<DryRunOptions> = {}): DryRunResult {
  return runSession(createDryRunSession(programJson, options), options);
}

/**
 * How long the program should take on the press: its timed steps, its ramps and releases
 * at their rates, and the operator at each prompt. Sizes the time limit and the trace.
 */
export function expectedDurationS(session: DryRunSession): number {
  const program = session.firmware.program;
  if (program === null) return 0;
  let totalS = START_DELAY_S;
  let levelMPa = 0;
  for (let i = 0; i < program.stepCount; i++) {
    const target = program.targetMPa[i];
    if (program.rateMPaPerS[i] > 0) totalS += Math.abs(target - levelMPa) / program.rateMPaPerS[i];
    totalS += program.durationS[i];
    if (program.prompts[i] !== '') totalS += session.sim.options.operatorDelayS;
    levelMPa = target;
  }
  return totalS;
}

/** Runs a session built by createDryRunSession to the end of its program. */
export function runSession(session: DryRunSession, options: Partial<DryRunOptions> = {}): DryRunResult {
  const run = new DryRunDriver(session, options);
  while (!run.advance(Infinity));
  return run.result();
}

/**
 * A dry run that advances in slices: runSession() runs it to the end at once; the app on
 * Moddable's runtime (host-sim/lin-main.ts) advances it from a Timer, a slice at a time, so
 * the runtime's event loop keeps turning. Either way the same physics steps run in the same
 * order, so the results are the same.
 */
export class DryRunDriver {
  readonly trace: Trace | null;
  private readonly row = new Float64Array(10);
  private readonly traceEvery: number;
  private readonly onTick: DryRunOptions['onTick'] | undefined;
  private readonly maxSimUs: number;
  private readonly tailUs: number;
  /** The report is the run's own firmware's, even when a simulated reset replaced it since. */
  private readonly runFirmware: PressFirmware;
  private endUs = -1;
  private started = false;
  private finished = false;

  constructor(
    readonly session: DryRunSession,
    options: Partial<DryRunOptions> = {},
  ) {
    this.traceEvery = options.traceEveryTicks ?? 1;
    this.onTick = options.onTick;
    this.trace = session.errors.length === 0 && this.traceEvery > 0 ? new Trace() : null;
    this.maxSimUs = (options.maxSimTimeS ?? expectedDurationS(session) * 2 + 3600) * 1e6;
    this.tailUs = (options.tailS ?? 2) * 1e6;
    this.finished = session.errors.length > 0;
    if (!this.finished) session.firmware.start();
    this.runFirmware = session.firmware;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Runs up to `maxSteps` physics steps. Returns true once the run is over (and the firmware stopped). */
  advance(maxSteps: number): boolean {
    if (this.finished) return true;
    const session = this.session;
    const sim = session.sim;
    const trace = this.trace;
    const row = this.row;
    for (let n = 0; n < maxSteps; n++) {
      if (sim.clock.nowUs >= this.maxSimUs) {
        this.finish();
        return true;
      }
      if (!this.started && sim.clock.nowUs >= START_DELAY_S * 1e6) {
        sim.pressStart();
        this.started = true;
      }
      if (!sim.step()) continue;
      if (this.onTick !== undefined) this.onTick(session);
      const firmware = session.firmware;
      if (trace !== null && firmware.timing.ticks % this.traceEvery === 0) {
        const seq = firmware.sequencer;
        row[0] = sim.timeS;
        row[1] = sim.plant.forceN / 1000;
        row[2] = sim.plant.diePressureMPa;
        row[3] = firmware.loadCell.pressureMPa;
        row[4] = firmware.trajectory.setpointMPa;
        row[5] = seq.active ? seq.targetMPa : 0;
        row[6] = sim.pump.appliedLevel;
        row[7] = sim.releaseValve.appliedLevel;
        row[8] = seq.stepIndex;
        row[9] = seq.state;
        trace.push(row);
      }
      const over = this.started && sim.clock.nowUs > START_DELAY_S * 1e6 + 200_000 && !firmware.sequencer.active && firmware.sequencer.state !== RunState.idle;
      if (over && this.endUs < 0) this.endUs = sim.clock.nowUs + this.tailUs;
      if (this.endUs >= 0 && sim.clock.nowUs >= this.endUs) {
        this.finish();
        return true;
      }
    }
    return false;
  }

  result(): DryRunResult {
    const session = this.session;
    if (session.errors.length > 0) {
      return { valid: false, errors: session.errors, report: null, layers: [], simTimeS: 0, ticks: 0, overruns: 0, leaseExpiries: 0, trace: null };
    }
    const sim = session.sim;
    const layers: LayerReport[] = sim.layers.map((layer, i) => ({
      material: layer.material.name,
      mass_mg: layer.massMg,
      thickness_mm: sim.stack.thicknessM(i) * 1000,
      relative_density: sim.stack.relativeDensity(i),
    }));
    return {
      valid: true,
      errors: [],
      report: this.runFirmware.report(),
      layers,
      simTimeS: sim.timeS,
      ticks: session.firmware.timing.ticks,
      overruns: session.firmware.timing.overruns,
      leaseExpiries: sim.pump.leaseExpiries + sim.releaseValve.leaseExpiries,
      trace: this.trace,
    };
  }

  /** Ends the run where it is (a dry run interrupted from outside): the firmware stops, result() reports what ran. */
  stop(): void {
    if (!this.finished) this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.session.firmware.stop();
  }
}

/** The bore of the simulated die: the program's diameter, or the round bore of its area. */
function dieDiameterOf(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const die = (json as { die?: unknown }).die as { diameter_mm?: unknown; area_mm2?: unknown } | undefined;
  if (typeof die !== 'object' || die === null) return undefined;
  if (typeof die.diameter_mm === 'number') return die.diameter_mm;
  if (typeof die.area_mm2 === 'number' && die.area_mm2 > 0) return dieDiameterMm(die.area_mm2);
  return undefined;
}
