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
import { SimPump, SimReleaseValve } from './hal/sim-actuators';
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
}

/** How long the simulated operator holds a button down, µs. */
const BUTTON_PRESS_US = 100_000;
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

export class PressSimulator {
  readonly clock = new VirtualClock();
  readonly ticker = new VirtualTicker(this.clock);
  readonly random: SeededRandom;
  readonly stack: SampleStack;
  readonly plant: PressPlant;
  readonly adc: SimLoadCellAdc;
  readonly pump: SimPump;
  readonly releaseValve: SimReleaseValve;
  readonly inputs = new SimInputs();
  readonly panel = new SimPanel();
  readonly flash = new SimFlash(64 * 4096);
  readonly serial = new SimSerial();
  readonly board: Board;
  /** Layers added so far (the first one included), for the report. */
  readonly layers: LayerSpec[] = [];

  private nextPromptLayer = 0;
  private promptSeenAtUs = -1;
  private releaseButtonsAtUs = -1;
  private nextOperatorLookUs = 0;

  constructor(readonly options: SimulatorOptions) {
    this.random = new SeededRandom(options.seed);
    this.stack = new SampleStack(dieAreaMm2(options.dieDiameterMm) * 1e-6);
    this.addLayer(options.firstLayer);
    this.plant = new PressPlant(options.press, this.stack);
    this.adc = new SimLoadCellAdc(options.sensor, this.random);
    this.pump = new SimPump(this.clock);
    this.releaseValve = new SimReleaseValve(this.clock);
    this.board = {
      name: `sim:${options.press.name}+${options.sensor.name}`,
      clock: this.clock,
      ticker: this.ticker,
      loadCell: this.adc,
      pump: this.pump,
      releaseValve: this.releaseValve,
      inputs: this.inputs,
      panel: this.panel,
      flash: this.flash,
      serial: this.serial,
      limits: simulatedPressLimits(options),
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
    const dtUs = this.options.physicsStepUs;
    this.pump.enforceLease();
    this.releaseValve.enforceLease();
    this.plant.step(dtUs / 1e6, this.pump.appliedLevel, this.releaseValve.appliedLevel);
    this.clock.nowUs += dtUs;
    this.adc.integrate(this.plant.forceN, dtUs, this.clock.nowUs);
    if (this.clock.nowUs >= this.nextOperatorLookUs) {
      this.nextOperatorLookUs += OPERATOR_LOOK_US;
      this.operate();
    }
    if (this.ticker.nextDueUs() > this.clock.nowUs) return false;
    this.ticker.fireDue();
    return true;
  }

  /** The operator answers prompts: adds the next layer, then presses Continue. */
  private operate(): void {
    const now = this.clock.nowUs;
    if (this.releaseButtonsAtUs >= 0 && now >= this.releaseButtonsAtUs) {
      this.inputs.startPressed = false;
      this.inputs.continuePressed = false;
      this.releaseButtonsAtUs = -1;
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
