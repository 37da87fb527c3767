import type { PressCharacter } from '../hal/press-character';
import type { Board, PressLimits } from '../hal/board';
import { dieAreaMm2 } from '../src/units';
import { PressPlant } from './physics/plant';
import type { PressParams } from './physics/press';
import { SampleStack } from './physics/sample-stack';
import type { Material } from './physics/materials';
import { SeededRandom } from './physics/rng';
import { VirtualClock, VirtualTicker } from './hal/virtual-time';
import type { LoadCellSensorParams } from './hal/sim-loadcell-adc';
import { SimLoadCellAdc } from './hal/sim-loadcell-adc';
import { OIL_PRESSURE_TRANSDUCER, SimOilPressure } from './hal/sim-oil-pressure';
import { SimPump, SimPumpPower, SimReleaseValve } from './hal/sim-actuators';
import { SimSystem } from './hal/sim-system';
import { ResetReason } from '../hal/system';
import { SimInputs } from './hal/sim-inputs';
import { SimPanel } from './hal/sim-panel';
import { SimFlash } from './hal/sim-flash';
import { SimSerial } from './hal/sim-serial';

export interface LayerSpec {
  material: Material;
  massMg: number;
}

export interface SimulatorOptions {
  seed: number;
  press: PressParams;
  sensor: LoadCellSensorParams;
  dieDiameterMm: number;
  /** Layer in the die at the start. */
  firstLayer: LayerSpec;
  /** Layers the operator adds, one at each prompt, in order. */
  promptLayers: LayerSpec[];
  /** Seconds the simulated operator takes to answer a prompt. */
  operatorDelayS: number;
  /** Physics integration step, µs. */
  physicsStepUs: number;
  /** Largest pressure rise the firmware may be asked for, MPa/s at the die. */
  maxRateMPaPerS: number;
  /** Layers of a cell fixture or spacers in series with the sample from the start (none by default). */
  fixtureLayers?: LayerSpec[];
  /** Faults to inject, each at its time. */
  faults?: FaultSpec[];
  /**
   * The simulated operator answers prompts by pressing Continue (default true). When false
   * (press-sim serve: a remote client answers with PROG:CONT) nothing is pressed, and the
   * next layer goes in when a prompt is left for a running step.
   */
  autoOperator?: boolean;
  /**
   * Someone stands at the press and accepts every calibration request the panel shows (a new
   * code, a span outside the band) by holding Continue 3.5 s. Default false: requests lapse.
   */
  acceptCalibrationRequests?: boolean;
  /**
   * Take one physics step per control period while the plant is quiescent (pump stopped,
   * valve shut): the slow leak and creep dynamics are integrated exactly enough, and a
   * days-long maintain step runs ten times faster. tests/sim/sim-speed.test.ts checks that the
   * trace stays equivalent. Default true.
   */
  adaptiveStep?: boolean;
  /** The controller's flash partition (default: a blank one the size of the board's, 1 MB). Pass one to keep programs and logs between sessions. */
  flash?: SimFlash;
}

/** Size of the press's data partition on the reference board (hal/esp32, partitions.csv). */
export const SIM_PARTITION_BYTES = 256 * 4096;

/** Faults the simulator can inject (docs/simulator.md, "Faults"). */
export const FAULT_KINDS = Object.freeze([
  'loadcell-disconnect',
  'loadcell-stuck',
  'loadcell-noise',
  'pump-fail',
  'pump-stuck-on',
  'release-stuck-closed',
  'leak',
  'power-loss',
  'power-restore',
  'loop-stall',
  'firmware-hang',
  'estop',
  'guard-open',
  'serial-garbage',
] as const);
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  atS: number;
}

/** A burst hose: an orifice three times the release valve wide open, more than the pump delivers [est]. */
const BURST_ORIFICE_FACTOR = 3;
/** Noise factor of a loose load-cell connector [est]. */
const LOOSE_CONNECTOR_NOISE_FACTOR = 20;
/** A loop stall: no tick for this long, more than the outputs' leases and less than the watchdog, µs. */
const LOOP_STALL_US = 200_000;
/** Longest physics step taken while the plant is quiescent, µs. */
const MAX_QUIESCENT_STEP_US = 10_000;

/** Mixed into the seed of the oil-pressure transducer's random stream. */
const OIL_SEED_MIX = 0x6f696c;

/** How long the simulated operator holds a button down, µs. */
const BUTTON_PRESS_US = 100_000;
/** A calibration request on the panel (src/firmware.ts) and how long the simulated operator holds Continue for it. */
const AT_PRESS_REQUEST_PROMPT = 'hold Continue 3 s to accept it';
const AT_PRESS_HOLD_US = 3_500_000;
/** The operator looks at the panel this often, µs. */
const OPERATOR_LOOK_US = 10_000;

/**
 * The simulated press on virtual time: plant physics, a noisy load cell, leased actuators,
 * operator inputs and panel, flash and serial — packaged as the same Board struct the
 * ESP32 build provides, so the unmodified firmware runs against it.
 */
/** The limits the simulated board reports: rated oil pressure on the ram, the load cell's capacity. */
export function simulatedPressLimits(options: SimulatorOptions): PressLimits {
  return {
    maxForceKN: (options.press.ratedPressurePa * options.press.ramAreaM2) / 1000,
    loadCellCapacityKN: options.sensor.capacityN / 1000,
    maxRateMPaPerS: options.maxRateMPaPerS,
  };
}

/**
 * What commissioning would measure on the simulated press: the stick-slip jump against the
 * frame alone (the stiffest sample), presliding the same way, the cell's noise and drift, the
 * converter's rate and age, the pump's strokes and its motor's time constant.
 */
const ATMOSPHERE_PA = 101_325;

export function simulatedPressCharacter(options: SimulatorOptions): PressCharacter {
  const press = options.press;
  const sensor = options.sensor;
  const oilComplianceM3PerPa = press.oilVolumeM3 / press.bulkModulusPa + press.hoseComplianceM3PerPa;
  const oilStiffnessNPerM = (press.ramAreaM2 * press.ramAreaM2) / oilComplianceM3PerPa;
  const frameShare = press.frameStiffnessNPerM / (press.frameStiffnessNPerM + oilStiffnessNPerM);
  const sealStiffnessNPerM = press.preslidingM > 0 ? press.sealBreakawayN / press.preslidingM : Infinity;
  const strokesPerS = press.pumpKind === 'piston' ? press.pumpStrokesPerS : 0;
  return {
    stickSlipJumpN: (press.sealBreakawayN - press.sealFrictionN) * frameShare,
    preslidingForceN: sealStiffnessNPerM === Infinity ? 0 : (press.sealBreakawayN - press.sealFrictionN) * (press.frameStiffnessNPerM / sealStiffnessNPerM),
    loadCellNoiseN: sensor.noiseRmsN,
    loadCellDriftNPerHour: sensor.driftNPerHour,
    loadCellDriftLimitN: sensor.driftLimitN,
    conversionsPerS: sensor.sampleRateSps,
    conversionAgeS: sensor.latencyUs / 1e6 + 0.5 / sensor.sampleRateSps,
    pumpKind: press.pumpKind,
    pumpStrokesPerS: strokesPerS,
    pumpPistons: press.pumpPistons,
    pumpStrokeMm3: strokesPerS > 0 ? (press.pumpMaxFlowM3PerS / (strokesPerS * press.pumpPistons)) * 1e9 : 0,
    pumpTimeConstantS: press.pumpTimeConstantS,
    ramAreaMm2: press.ramAreaM2 * 1e6,
    oilStiffnessNPerMm: oilStiffnessNPerM / 1000,
    oilStiffnessAt1MPaNPerMm: (press.ramAreaM2 * press.ramAreaM2) / (oilComplianceM3PerPa + (press.oilVolumeM3 * press.airFraction * ATMOSPHERE_PA) / ((1e6 + ATMOSPHERE_PA) * (1e6 + ATMOSPHERE_PA))) / 1000,
    frameStiffnessNPerMm: press.frameStiffnessNPerM / 1000,
  };
}

export class PressSimulator {
  readonly clock = new VirtualClock();
  readonly ticker = new VirtualTicker(this.clock);
  readonly random: SeededRandom;
  readonly stack: SampleStack;
  readonly plant: PressPlant;
  readonly adc: SimLoadCellAdc;
  readonly oilPressure: SimOilPressure;
  readonly pump: SimPump;
  readonly releaseValve: SimReleaseValve;
  readonly pumpPower: SimPumpPower;
  readonly system: SimSystem;
  readonly inputs = new SimInputs();
  readonly panel = new SimPanel();
  readonly flash: SimFlash;
  readonly serial = new SimSerial();
  readonly board: Board;
  /** Layers added so far (the first one included), for the report. */
  readonly layers: LayerSpec[] = [];

  private nextPromptLayer = 0;
  private promptSeenAtUs = -1;
  private releaseButtonsAtUs = -1;
  private nextOperatorLookUs = 0;
  /** Pending faults, sorted by time; the index of the next one. */
  private readonly faults: FaultSpec[];
  private nextFault = 0;
  /** Faults injected so far, with the time they took effect (s). */
  readonly injectedFaults: FaultSpec[] = [];
  /** Power is off: outputs de-energised, the firmware's ticker stopped. */
  powerLost = false;
  /** The firmware's loop gets no ticks until then (µs): a stall (-1: none). */
  stalledUntilUs = -1;
  /** The firmware hangs: no ticks, the watchdog is not fed, until the chip resets. */
  hung = false;
  /**
   * Called when the controller restarts (power back, watchdog): the owner of the firmware
   * builds a fresh one on the same board, as the chip would boot. Without it the simulated
   * controller stays dead.
   */
  onReset: ((reason: number) => void) | null = null;

  constructor(readonly options: SimulatorOptions) {
    this.flash = options.flash ?? new SimFlash(SIM_PARTITION_BYTES);
    this.random = new SeededRandom(options.seed);
    this.stack = new SampleStack(dieAreaMm2(options.dieDiameterMm) * 1e-6);
    for (const fixture of options.fixtureLayers ?? []) this.stack.addLayer(fixture.material, fixture.massMg * 1e-6);
    this.addLayer(options.firstLayer);
    this.faults = [...(options.faults ?? [])].sort((a, b) => a.atS - b.atS);
    this.plant = new PressPlant(options.press, this.stack);
    this.adc = new SimLoadCellAdc(options.sensor, this.random);
    // Its own random stream: the load cell's noise stays what it was before the press had a transducer.
    this.oilPressure = new SimOilPressure(this.plant, options.press.ramAreaM2 * 1e6, OIL_PRESSURE_TRANSDUCER, new SeededRandom((options.seed ^ OIL_SEED_MIX) >>> 0));
    this.pump = new SimPump(this.clock);
    this.releaseValve = new SimReleaseValve(this.clock);
    this.pumpPower = new SimPumpPower(this.clock);
    this.system = new SimSystem(this.clock);
    this.board = {
      name: `sim:${options.press.name}+${options.sensor.name}`,
      clock: this.clock,
      ticker: this.ticker,
      loadCell: this.adc,
      pump: this.pump,
      pumpPower: this.pumpPower,
      releaseValve: this.releaseValve,
      inputs: this.inputs,
      panel: this.panel,
      flash: this.flash,
      serial: this.serial,
      system: this.system,
      limits: simulatedPressLimits(options),
      oilPressure: this.oilPressure,
      character: simulatedPressCharacter(options),
    };
  }

  get timeS(): number {
    return this.clock.nowUs / 1e6;
  }

  /** The simulated operator presses Start. */
  pressStart(): void {
    this.inputs.startPressed = true;
    this.releaseButtonsAtUs = this.clock.nowUs + BUTTON_PRESS_US;
  }

  /** One physics step, then due firmware ticks. Returns true when a tick ran. */
  step(): boolean {
    const now = this.clock.nowUs;
    this.injectDueFaults(now);
    this.pump.enforceLease();
    this.releaseValve.enforceLease();
    this.pumpPower.enforceLease();
    // The e-stop and the contactor are in the pump motor's power path: hardware, not software.
    this.plant.pumpPowered = !this.powerLost && !this.inputs.estop && this.pumpPower.appliedLevel >= 0.5;
    const pumpLevel = this.powerLost ? 0 : this.pump.appliedLevel;
    // Without power the release valve (normally open) opens: the press unloads.
    const releaseLevel = this.powerLost ? 1 : this.releaseValve.appliedLevel;
    const dtUs = this.stepLengthUs(now, pumpLevel, releaseLevel);
    this.plant.step(dtUs / 1e6, pumpLevel, releaseLevel);
    this.clock.nowUs = now + dtUs;
    this.adc.integrate(this.plant.forceN, dtUs, this.clock.nowUs);
    if (this.clock.nowUs >= this.nextOperatorLookUs) {
      this.nextOperatorLookUs += OPERATOR_LOOK_US;
      this.operate();
    }
    if (!this.powerLost && this.system.expired) this.reset(ResetReason.watchdog);
    if (this.ticker.nextDueUs() > this.clock.nowUs) return false;
    if (this.powerLost || this.hung || this.clock.nowUs < this.stalledUntilUs) {
      this.ticker.skipDue();
      return false;
    }
    this.ticker.fireDue();
    return true;
  }

  /**
   * The controller restarts: its timers stop, its outputs drop to their safe levels as the
   * pins reset, and onReset boots a new firmware on the same board (flash kept).
   */
  reset(reason: number): void {
    this.hung = false;
    this.stalledUntilUs = -1;
    this.controllerStops();
    this.system.restart(reason);
    if (this.onReset !== null) this.onReset(reason);
  }

  /**
   * The physics step: the configured one, or — while the plant is quiescent and nothing
   * moves — up to the next control tick, operator look or fault, so the step ends exactly
   * where the fine steps would have had their events.
   */
  private stepLengthUs(now: number, pumpLevel: number, releaseLevel: number): number {
    const fine = this.options.physicsStepUs;
    if (this.options.adaptiveStep === false || pumpLevel !== 0 || releaseLevel !== 0 || !this.plant.quiescent) return fine;
    let end = now + MAX_QUIESCENT_STEP_US;
    const tick = this.ticker.nextDueUs();
    if (tick < end) end = tick;
    if (this.nextOperatorLookUs < end) end = this.nextOperatorLookUs;
    if (this.nextFault < this.faults.length) {
      const faultUs = Math.round(this.faults[this.nextFault].atS * 1e6);
      if (faultUs < end) end = faultUs;
    }
    const breakawayS = this.plant.secondsToBreakaway();
    if (breakawayS < (end - now) / 1e6) end = now + Math.floor((breakawayS * 1e6) / fine) * fine;
    const dt = end - now;
    return dt > fine ? dt : fine;
  }

  private injectDueFaults(nowUs: number): void {
    while (this.nextFault < this.faults.length && Math.round(this.faults[this.nextFault].atS * 1e6) <= nowUs) {
      const fault = this.faults[this.nextFault++];
      this.inject(fault.kind);
      this.injectedFaults.push({ kind: fault.kind, atS: nowUs / 1e6 });
    }
  }

  /** The chip stops (reset or no power): its timers end and its output pins fall to their safe levels. */
  private controllerStops(): void {
    this.ticker.cancelAll();
    this.pump.safe();
    this.releaseValve.safe();
    this.pumpPower.safe();
  }

  /** Applies one fault now (also usable directly by tests). */
  inject(kind: FaultKind): void {
    const plant = this.plant;
    switch (kind) {
      case 'loadcell-disconnect':
        this.adc.disconnect();
        break;
      case 'loadcell-stuck':
        this.adc.stick();
        break;
      case 'loadcell-noise':
        this.adc.setNoiseFactor(LOOSE_CONNECTOR_NOISE_FACTOR);
        break;
      case 'pump-fail':
        plant.pumpFailed = true;
        break;
      case 'pump-stuck-on':
        plant.pumpStuckOn = true;
        break;
      case 'release-stuck-closed':
        plant.releaseStuckClosed = true;
        break;
      case 'leak':
        plant.burstOrificeCoef = plant.press.releaseFlowCoef * BURST_ORIFICE_FACTOR;
        break;
      case 'power-loss':
        this.powerLost = true;
        this.controllerStops();
        break;
      case 'power-restore':
        if (!this.powerLost) break;
        this.powerLost = false;
        this.reset(ResetReason.powerOn);
        break;
      case 'loop-stall':
        this.stalledUntilUs = this.clock.nowUs + LOOP_STALL_US;
        break;
      case 'firmware-hang':
        this.hung = true;
        break;
      case 'estop':
        this.inputs.estop = true;
        break;
      case 'guard-open':
        this.inputs.guardClosed = false;
        break;
      case 'serial-garbage': {
        const garbage = new Uint8Array(4096);
        for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(this.random.next() * 256);
        this.serial.hostSend(garbage);
        break;
      }
    }
  }

  /** The operator answers prompts: adds the next layer, then presses Continue. */
  private operate(): void {
    const now = this.clock.nowUs;
    if (this.releaseButtonsAtUs >= 0 && now >= this.releaseButtonsAtUs) {
      this.inputs.startPressed = false;
      this.inputs.continuePressed = false;
      this.releaseButtonsAtUs = -1;
    }
    if (this.options.acceptCalibrationRequests === true && this.releaseButtonsAtUs < 0 && this.panel.prompt.endsWith(AT_PRESS_REQUEST_PROMPT)) {
      this.inputs.continuePressed = true;
      this.releaseButtonsAtUs = now + AT_PRESS_HOLD_US;
    }
    if (this.options.autoOperator === false) {
      const state = this.panel.state;
      if (this.promptSeenAtUs >= 0 && state === 'RUNNING' && this.nextPromptLayer < this.options.promptLayers.length) {
        this.addLayer(this.options.promptLayers[this.nextPromptLayer++]);
      }
      this.promptSeenAtUs = state === 'WAITING' ? now : -1;
      return;
    }
    if (this.panel.state !== 'WAITING') {
      this.promptSeenAtUs = -1;
      return;
    }
    if (this.promptSeenAtUs < 0) {
      this.promptSeenAtUs = now;
      return;
    }
    if (this.releaseButtonsAtUs < 0 && now - this.promptSeenAtUs >= this.options.operatorDelayS * 1e6) {
      if (this.nextPromptLayer < this.options.promptLayers.length) {
        this.addLayer(this.options.promptLayers[this.nextPromptLayer++]);
      }
      this.inputs.continuePressed = true;
      this.releaseButtonsAtUs = now + BUTTON_PRESS_US;
      this.promptSeenAtUs = Infinity;
    }
  }

  private addLayer(layer: LayerSpec): void {
    this.stack.addLayer(layer.material, layer.massMg * 1e-6);
    this.layers.push(layer);
  }
}
