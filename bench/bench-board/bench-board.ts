// The bench board: the firmware on the real hal/esp32 drivers — Ads1220 with its FIFO and
// DRDY handler, EspPump / EspReleaseValve / LeasedDrive with their output stages, the lease
// guard, PinInputs, EspPanel with CharLcd and PanelText, EspFlashPartition, UartSerialPort,
// EspSystem, MonotonicClock and TimerTicker — assembled as hal/esp32/board.ts assembles them,
// over the fake IO of bench-io.ts, with the simulated press (host-sim/simulator.ts) as the
// world behind the pins: its converter's conversions go into the fake ADS1220, the output
// pins drive its pump and valves, its operator sets the input pins and reads the panel. The
// tick meter (bench/bench-xs-tick.ts) and tests/esp32/esp32-bench-board.test.ts run on it.
//
// Not modelled: restarts (a simulated reset stops the bench's timers for good), the HX711,
// the USB CDC port. The press is the simulator's own; the board's pin map and driver
// settings come from manifest.json (benchBoardConfig in manifest-config.ts).
import type { Board } from '../../hal/board';
import type { OperatorPanel, PanelView } from '../../hal/panel';
import type { BoardConfig, InputPin } from '../../hal/esp32/config';
import { Ads1220 } from '../../hal/esp32/ads1220';
import { MonotonicClock, TimerTicker } from '../../hal/esp32/clock';
import { CharLcd } from '../../hal/esp32/lcd';
import { EspPanel } from '../../hal/esp32/panel';
import { EspFlashPartition } from '../../hal/esp32/flash';
import { InputLine, PinInputs } from '../../hal/esp32/inputs';
import type { OutputStage } from '../../hal/esp32/outputs';
import { EspPump, EspReleaseValve, LeaseGuard, LeasedDrive, NormallyOpenStage, PumpWithAdvanceValveStage, PwmStage, SwitchStage } from '../../hal/esp32/outputs';
import { UartSerialPort } from '../../hal/esp32/serial';
import { EspResetReason, EspSystem } from '../../hal/esp32/system';
import type { PressSimulator } from '../../host-sim/simulator';
import { simulatedPressLimits } from '../../host-sim/simulator';
import type { MeterGate } from './bench-io';
import { BenchAds1220, BenchFlash, BenchI2c, BenchPin, BenchPwm, BenchSerialIo, BenchTime, BenchTimer, BenchWatchdog, NO_GATE } from './bench-io';

/** The world's actuators hold what the pins say until the next copy; the drivers' own leases (LeaseGuard) are the ones enforced, ms. */
const WORLD_HOLD_MS = 1e9;
/** Room the UART's transmit FIFO reports whenever the event loop turns, bytes. */
const UART_FIFO_BYTES = 128;

/** An output pin or PWM channel as the world reads it: the level it drives, 0..1. */
interface DriveLine {
  readonly level: number;
}

class PinLine implements DriveLine {
  constructor(
    private readonly pin: BenchPin,
    private readonly activeLow: boolean,
  ) {}
  get level(): number {
    return (this.pin.level !== 0) !== this.activeLow ? 1 : 0;
  }
}

class PwmLine implements DriveLine {
  constructor(
    private readonly pwm: BenchPwm,
    private readonly activeLow: boolean,
  ) {}
  get level(): number {
    return this.activeLow ? 1 - this.pwm.fraction : this.pwm.fraction;
  }
}

/** A PWM channel or a pin for an output: its stage for the driver, its line for the world. */
function outputDrive(pwm: boolean, activeLow: boolean, pwmBits: number): { stage: OutputStage; line: DriveLine } {
  if (pwm) {
    const channel = new BenchPwm(pwmBits);
    return { stage: new PwmStage(channel, activeLow), line: new PwmLine(channel, activeLow) };
  }
  const pin = new BenchPin();
  return { stage: new SwitchStage(pin, activeLow), line: new PinLine(pin, activeLow) };
}

/** The device's panel, and a copy of the view for the simulated operator (the world looking at the glass). */
class TeePanel implements OperatorPanel {
  constructor(
    readonly device: EspPanel,
    private readonly world: OperatorPanel,
    private readonly gate: MeterGate,
  ) {}

  show(view: PanelView): void {
    this.device.show(view);
    this.gate.pause();
    this.world.show(view);
    this.gate.resume();
  }

  setStatus(pattern: number): void {
    this.device.setStatus(pattern);
    this.gate.pause();
    this.world.setStatus(pattern);
    this.gate.resume();
  }
}

export interface BenchBoardOptions {
  /** Brackets the fake IO's bodies (default: nothing). */
  gate: MeterGate;
  /** Resolution of the pump and valve PWM, bits (default 10, Moddable's default on the ESP32). */
  pwmResolutionBits: number;
}

interface InputWire {
  pin: BenchPin;
  /** The pin level when the contact is asserted. */
  assertedLevel: number;
  asserted: () => boolean;
}

export class BenchBoard {
  readonly board: Board;
  readonly clock: MonotonicClock;
  readonly chip: BenchAds1220;
  readonly adc: Ads1220;
  readonly pump: EspPump;
  readonly pumpPower: LeasedDrive;
  readonly releaseValve: EspReleaseValve;
  readonly guard: LeaseGuard;
  readonly i2c: BenchI2c;
  readonly lcd: CharLcd | null;
  readonly panel: EspPanel;
  readonly serial: UartSerialPort;
  readonly watchdog: BenchWatchdog;
  /** Conversions the world finished that the fake converter could not take (not converting). */
  conversionsRefused = 0;
  private readonly pumpLine: DriveLine;
  private readonly advanceLine: DriveLine | null;
  private readonly powerLine: DriveLine;
  private readonly releaseLine: DriveLine;
  private readonly releaseNormallyOpen: boolean;
  private readonly inputs: InputWire[] = [];
  private feedsSeen = 0;
  readonly gate: MeterGate;

  constructor(
    readonly sim: PressSimulator,
    readonly config: BoardConfig,
    options: Partial<BenchBoardOptions> = {},
  ) {
    const gate = options.gate ?? NO_GATE;
    this.gate = gate;
    const pwmBits = options.pwmResolutionBits ?? 10;
    const cell = config.loadCell;
    if (cell.kind !== 'ads1220') throw new RangeError('bench board: the load cell must be an ADS1220 (loadCell.kind)');
    if (cell.dataRateSps !== sim.adc.sampleRateSps) throw new RangeError(`bench board: the ADS1220 is set to ${cell.dataRateSps} SPS, the simulated converter runs at ${sim.adc.sampleRateSps}`);
    const clock = new MonotonicClock(new BenchTime(sim.clock));
    this.clock = clock;
    const timer = new BenchTimer(
      sim.ticker,
      () => this.sense(),
      () => this.actuate(),
    );

    // Outputs first, as on the board: every actuator is driven safe before anything else.
    const pump = config.pump;
    const pumpDrive = outputDrive(pump.kind === 'pwm', pump.activeLow, pwmBits);
    this.pumpLine = pumpDrive.line;
    let pumpStage = pumpDrive.stage;
    this.advanceLine = null;
    if (pump.advanceValve !== null) {
      const advance = outputDrive(false, pump.advanceValve.activeLow, pwmBits);
      this.advanceLine = advance.line;
      pumpStage = new PumpWithAdvanceValveStage(pumpStage, advance.stage);
    }
    const power = outputDrive(false, config.pumpPower.activeLow, pwmBits);
    this.powerLine = power.line;
    const valve = config.releaseValve;
    const valveDrive = outputDrive(valve.kind === 'pwm', valve.activeLow, pwmBits);
    this.releaseLine = valveDrive.line;
    this.releaseNormallyOpen = valve.normallyOpen;
    this.pump = new EspPump(pumpStage, clock);
    this.pumpPower = new LeasedDrive(power.stage, clock, 0);
    this.releaseValve = new EspReleaseValve(valve.normallyOpen ? new NormallyOpenStage(valveDrive.stage) : valveDrive.stage, clock, valve.fallbackLevel);
    const guard = new LeaseGuard(clock, [this.pump, this.pumpPower, this.releaseValve]);
    this.guard = guard;
    timer.repeat(() => guard.run(), config.leaseGuardMs);

    const pinInputs = new PinInputs(
      this.inputLine(config.estop, () => sim.inputs.estop),
      this.inputLine(config.guardClosed, () => sim.inputs.guardClosed),
      this.inputLine(config.start, () => sim.inputs.startPressed),
      this.inputLine(config.stop, () => sim.inputs.stopPressed),
      config.continueButton === null ? null : this.inputLine(config.continueButton, () => sim.inputs.continuePressed),
    );

    this.chip = new BenchAds1220(gate);
    this.adc = new Ads1220(this.chip, this.chip.drdy, clock, { dataRateSps: cell.dataRateSps, gain: cell.gain, inputMux: cell.inputMux, reference: cell.reference });
    if (!this.adc.start(() => {})) throw new Error('bench board: the ADS1220 configuration read-back failed');

    this.i2c = new BenchI2c(gate);
    const lcdConfig = config.lcd;
    this.lcd = lcdConfig === null ? null : new CharLcd(this.i2c, lcdConfig.columns, lcdConfig.rows, lcdConfig.hz);
    if (this.lcd !== null) this.lcd.init(() => {});
    const led = config.statusLed;
    const buzzer = config.buzzer;
    this.panel = new EspPanel(
      this.lcd,
      led === null ? null : new BenchPin(),
      led !== null && led.activeLow,
      buzzer === null ? null : new BenchPin(),
      buzzer !== null && buzzer.activeLow,
      clock,
      lcdConfig === null ? 20 : lcdConfig.columns,
      lcdConfig === null ? 4 : lcdConfig.rows,
    );

    this.serial = new UartSerialPort();
    this.serial.attach(new BenchSerialIo(sim.serial, gate));
    this.watchdog = new BenchWatchdog();

    this.board = {
      name: `bench:esp32-drivers+${sim.board.name}`,
      clock,
      ticker: new TimerTicker(timer),
      loadCell: this.adc,
      pump: this.pump,
      pumpPower: this.pumpPower,
      releaseValve: this.releaseValve,
      inputs: pinInputs,
      panel: new TeePanel(this.panel, sim.panel, gate),
      flash: new EspFlashPartition(new BenchFlash(sim.flash, gate), config.flashMinBytes, config.flashPartition),
      serial: this.serial,
      system: new EspSystem(EspResetReason.powerOn, this.watchdog, config.watchdogTimeoutMs),
      limits: simulatedPressLimits(sim.options),
    };
    this.sense();
    this.actuate();
  }

  /**
   * The world into the fake IO, whenever the event loop turns: every conversion the simulated
   * converter finished goes into the fake ADS1220 and its DRDY edge runs the driver's handler,
   * as onReadable does on the board; the input pins take the operator's and the faults' levels;
   * the UART's FIFO has drained; the watchdog feeds since reach the simulator's watchdog.
   */
  sense(): void {
    const sim = this.sim;
    if (this.watchdog.feeds !== this.feedsSeen) {
      this.feedsSeen = this.watchdog.feeds;
      sim.system.feedWatchdog();
    }
    while (sim.adc.poll()) {
      if (this.chip.convert(sim.adc.counts)) this.adc.onDataReady();
      else this.conversionsRefused++;
    }
    const inputs = this.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const wire = inputs[i];
      wire.pin.level = wire.asserted() ? wire.assertedLevel : 1 - wire.assertedLevel;
    }
    this.serial.onWritable(UART_FIFO_BYTES);
  }

  /** The fake IO into the world: what the output pins drive, the simulated press does. */
  actuate(): void {
    const sim = this.sim;
    const advanced = this.advanceLine === null || this.advanceLine.level >= 0.5;
    sim.pump.command(advanced ? this.pumpLine.level : 0, WORLD_HOLD_MS);
    sim.pumpPower.command(this.powerLine.level, WORLD_HOLD_MS);
    const drive = this.releaseLine.level;
    sim.releaseValve.command(this.releaseNormallyOpen ? 1 - drive : drive, WORLD_HOLD_MS);
  }

  /** After each physics step: conversions that finished in a step without a timer are read then, as the DRDY edge would. */
  afterStep(): void {
    this.sense();
  }

  private inputLine(input: InputPin, asserted: () => boolean): InputLine {
    const pin = new BenchPin();
    this.inputs.push({ pin, assertedLevel: input.activeLow ? 0 : 1, asserted });
    return new InputLine(pin, input.activeLow);
  }
}
