import Digital from 'embedded:io/digital';
import PWM from 'embedded:io/pwm';
import SPI from 'embedded:io/spi';
import I2C from 'embedded:io/i2c';
import Serial from 'embedded:io/serial';
import FlashStorage from 'embedded:storage/flash';
import Timer from 'timer';
import Time from 'time';
import getResetReason from 'resetReason';
import type { Board } from '../board';
import type { LoadCellAdc } from '../loadcell-adc';
import type { SerialPort } from '../serial';
import type { BoardConfig, InputPin, OutputPin } from './config';
import { MonotonicClock, TimerTicker } from './clock';
import { ADS1220_SPI_MODE, Ads1220 } from './ads1220';
import { Hx711 } from './hx711';
import { NativeHx711Port } from './native/hx711';
import type { OutputStage } from './outputs';
import { EspPump, EspReleaseValve, LeaseGuard, LeasedDrive, NormallyOpenStage, PumpWithAdvanceValveStage, PwmStage, SwitchStage } from './outputs';
import { InputLine, PinInputs } from './inputs';
import { CharLcd } from './lcd';
import { EspPanel } from './panel';
import { EspFlashPartition } from './flash';
import { UartSerialPort, UsbCdcSerialPort } from './serial';
import { NativeUsbCdc } from './native/usb-cdc';
import { EspSystem } from './system';
import { NativeTaskWatchdog } from './native/task-wdt';

const USB_RX_BUFFER_BYTES = 1024;
const USB_TX_BUFFER_BYTES = 4096;

function outputPin(pin: OutputPin): Digital {
  return new Digital({ pin: pin.pin, mode: Digital.Output });
}

function inputLine(input: InputPin): InputLine {
  const mode = !input.pull ? Digital.Input : input.activeLow ? Digital.InputPullUp : Digital.InputPullDown;
  return new InputLine(new Digital({ pin: input.pin, mode }), input.activeLow);
}

function switchStage(pin: OutputPin): OutputStage {
  return new SwitchStage(outputPin(pin), pin.activeLow);
}

function pumpStage(config: BoardConfig): OutputStage {
  const pump = config.pump;
  const drive = pump.kind === 'pwm' ? new PwmStage(new PWM({ pin: pump.pin, hz: pump.hz }), pump.activeLow) : switchStage(pump);
  return pump.advanceValve === null ? drive : new PumpWithAdvanceValveStage(drive, switchStage(pump.advanceValve));
}

function releaseStage(config: BoardConfig): OutputStage {
  const valve = config.releaseValve;
  const drive = valve.kind === 'pwm' ? new PwmStage(new PWM({ pin: valve.pin, hz: valve.hz }), valve.activeLow) : switchStage(valve);
  return valve.normallyOpen ? new NormallyOpenStage(drive) : drive;
}

function loadCell(config: BoardConfig, clock: MonotonicClock): LoadCellAdc {
  const cell = config.loadCell;
  if (cell.kind === 'hx711') return new Hx711(new NativeHx711Port(cell.dout, cell.sck), clock, cell.rateSps, cell.channel);
  const spi = new SPI({ clock: cell.clock, out: cell.mosi, in: cell.miso, select: cell.select, active: 0, hz: cell.hz, mode: ADS1220_SPI_MODE, port: cell.spiPort });
  let adc: Ads1220 | null = null;
  const drdy = new Digital({
    pin: cell.drdy,
    mode: Digital.Input,
    edge: Digital.Falling,
    onReadable() {
      if (adc !== null) adc.onDataReady();
    },
  });
  const ads = new Ads1220(spi, drdy, clock, { dataRateSps: cell.dataRateSps, gain: cell.gain, inputMux: cell.inputMux, reference: cell.reference });
  // A converter that does not answer leaves its sticky error: the firmware latches a sensor fault.
  if (!ads.start(Timer.delay)) trace('press: ADS1220 configuration read-back failed\n');
  adc = ads;
  return ads;
}

function panel(config: BoardConfig, clock: MonotonicClock): EspPanel {
  const lcdConfig = config.lcd;
  let lcd: CharLcd | null = null;
  if (lcdConfig !== null) {
    try {
      lcd = new CharLcd(new I2C({ data: lcdConfig.data, clock: lcdConfig.clock, hz: lcdConfig.hz, address: lcdConfig.address }), lcdConfig.columns, lcdConfig.rows, lcdConfig.hz);
      lcd.init(Timer.delay);
    } catch {
      trace('press: no display at the configured I2C address\n');
      lcd = null;
    }
  }
  const led = config.statusLed;
  const buzzer = config.buzzer;
  return new EspPanel(
    lcd,
    led === null ? null : outputPin(led),
    led !== null && led.activeLow,
    buzzer === null ? null : outputPin(buzzer),
    buzzer !== null && buzzer.activeLow,
    clock,
    lcdConfig === null ? 20 : lcdConfig.columns,
    lcdConfig === null ? 4 : lcdConfig.rows,
  );
}

function serialPort(config: BoardConfig): SerialPort {
  const serial = config.serial;
  if (serial.kind === 'usb-cdc') return new UsbCdcSerialPort(new NativeUsbCdc(USB_RX_BUFFER_BYTES, USB_TX_BUFFER_BYTES));
  const port = new UartSerialPort();
  port.attach(
    new Serial({
      port: serial.port,
      transmit: serial.transmit,
      receive: serial.receive,
      baud: serial.baud,
      format: 'buffer',
      onWritable(bytes: number) {
        port.onWritable(bytes);
      },
    }),
  );
  return port;
}

/**
 * Builds the Board of hal/board.ts from the pin map. The outputs come first, so every
 * actuator is driven to its safe level before anything else can fail; a lease guard timer
 * then drops any output whose lease ran out, independently of the control loop.
 */
export function buildBoard(config: BoardConfig): Board {
  const clock = new MonotonicClock(Time);
  const pump = new EspPump(pumpStage(config), clock);
  const pumpPower = new LeasedDrive(switchStage(config.pumpPower), clock, 0);
  const releaseValve = new EspReleaseValve(releaseStage(config), clock, config.releaseValve.fallbackLevel);
  const guard = new LeaseGuard(clock, [pump, pumpPower, releaseValve]);
  Timer.repeat(() => guard.run(), config.leaseGuardMs);

  const inputs = new PinInputs(
    inputLine(config.estop),
    inputLine(config.guardClosed),
    inputLine(config.start),
    inputLine(config.stop),
    config.continueButton === null ? null : inputLine(config.continueButton),
  );
  const flash = new EspFlashPartition(FlashStorage.open({ path: config.flashPartition, mode: 'r+' }), config.flashMinBytes, config.flashPartition);
  return {
    name: config.name,
    clock,
    ticker: new TimerTicker(Timer),
    loadCell: loadCell(config, clock),
    pump,
    pumpPower,
    releaseValve,
    inputs,
    panel: panel(config, clock),
    flash,
    serial: serialPort(config),
    system: new EspSystem(getResetReason().reason, new NativeTaskWatchdog(), config.watchdogTimeoutMs),
    limits: config.limits,
    ...(config.character === null ? {} : { character: config.character }),
  };
}
