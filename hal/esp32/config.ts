import type { PressLimits } from '../board';
import type { PressCharacter } from '../press-character';

/**
 * The board's pin map and settings, from the manifest's `config` (mc/config on the device).
 * `parseBoardConfig` checks every field and names the one that is wrong, so a bad manifest
 * fails at boot with a message instead of driving the wrong pin.
 * Size: the config's documented types (a third of the file) and their one parser, which must
 * see the whole config to check that no two functions share a pin.
 */
export interface OutputPin {
  pin: number;
  /** The pin is low when the output is on (e.g. a relay module with an active-low input). */
  activeLow: boolean;
}

export interface InputPin {
  pin: number;
  /** The input is asserted when the pin reads low (a contact to ground with a pull-up). */
  activeLow: boolean;
  /** Enable the chip's internal pull resistor (towards the inactive level); an external one is better. */
  pull: boolean;
}

export interface Ads1220Config {
  kind: 'ads1220';
  /** SPI host: 1 = SPI2_HOST, 2 = SPI3_HOST. */
  spiPort: number;
  clock: number;
  mosi: number;
  miso: number;
  select: number;
  drdy: number;
  hz: number;
  dataRateSps: number;
  gain: number;
  /** MUX[3:0] of configuration register 0 (3 = AIN1 − AIN2). */
  inputMux: number;
  /** VREF[1:0]: 0 internal 2.048 V, 1 REFP0/REFN0, 2 REFP1/REFN1, 3 AVDD − AVSS. */
  reference: number;
}

export interface Hx711Config {
  kind: 'hx711';
  dout: number;
  sck: number;
  /** 10 or 80, as the RATE pin of the module is strapped. */
  rateSps: number;
  /** 'A128', 'A64' or 'B32': input channel and gain. */
  channel: string;
}

export type LoadCellConfig = Ads1220Config | Hx711Config;

export interface PumpConfig {
  /** 'relay' (on/off through a relay or SSR) or 'pwm' (speed through a motor driver). */
  kind: string;
  pin: number;
  activeLow: boolean;
  hz: number;
  /** Directional valve that advances the ram, energised while the pump runs; null when the circuit has none. */
  advanceValve: OutputPin | null;
}

export interface ReleaseValveConfig {
  /** 'solenoid' (on/off) or 'pwm' (proportional valve through its amplifier). */
  kind: string;
  pin: number;
  activeLow: boolean;
  hz: number;
  /** The valve is open without power: the drive energises it to close it. */
  normallyOpen: boolean;
  /** Level taken when the lease runs out (1 = open: the load goes down). */
  fallbackLevel: number;
}

export interface LcdConfig {
  data: number;
  clock: number;
  /** I2C clock, at most what the backpack's expander is specified for (LCD_EXPANDER_MAX_HZ). */
  hz: number;
  /** The I/O expander on the backpack: 'pcf8574' (the common one) or 'pca8574'. */
  expander: string;
  /** 7-bit I2C address of the PCF8574 backpack (0x27 or 0x3F on common modules). */
  address: number;
  columns: number;
  rows: number;
}

export interface SerialConfig {
  /** 'usb-cdc' (ESP32-S3 native USB, release builds) or 'uart'. */
  kind: string;
  port: number;
  transmit: number;
  receive: number;
  baud: number;
}

export interface BoardConfig {
  name: string;
  limits: PressLimits;
  /** The press as commissioned (docs/hardware.md, "Commissioning"); null until it has been measured. */
  character: PressCharacter | null;
  loadCell: LoadCellConfig;
  /** Load-cell calibration until the stored one is read from flash. */
  tareCounts: number;
  kNPerCount: number;
  pump: PumpConfig;
  pumpPower: OutputPin;
  releaseValve: ReleaseValveConfig;
  estop: InputPin;
  guardClosed: InputPin;
  start: InputPin;
  stop: InputPin;
  continueButton: InputPin | null;
  lcd: LcdConfig | null;
  statusLed: OutputPin | null;
  buzzer: OutputPin | null;
  serial: SerialConfig;
  flashPartition: string;
  /** Smallest partition the run journal and program store accept, bytes. */
  flashMinBytes: number;
  /** The task watchdog's timeout as set in sdkconfig (CONFIG_ESP_TASK_WDT_TIMEOUT_S), ms. */
  watchdogTimeoutMs: number;
  /** Period of the timer that drops expired output leases, ms. */
  leaseGuardMs: number;
}

/** GPIO numbers the ESP32 family can have (ESP32: 0–39, ESP32-S3: 0–48). */
const MAX_GPIO = 48;
export const ADS1220_RATES_SPS = Object.freeze([20, 45, 90, 175, 330, 600, 1000, 40, 180, 350, 660, 1200, 2000] as const);

/**
 * Fastest I2C clock each backpack expander is specified for: the PCF8574 for standard mode only
 * (NXP PCF8574/74A rev. 5, TI SCPS068), the pin-compatible PCA8574 for fast mode (NXP
 * PCA8574/74A). hal/esp32/lcd.ts gives the display's timing at both.
 */
export const LCD_EXPANDER_MAX_HZ: { readonly [expander: string]: number } = Object.freeze({ pcf8574: 100_000, pca8574: 400_000 });

type Raw = { readonly [key: string]: unknown };

function fail(path: string, message: string): never {
  throw new RangeError(`config.${path}: ${message}`);
}

function objectAt(raw: Raw, key: string, path: string): Raw {
  const value = raw[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'missing (an object is required)');
  return value as Raw;
}

function optionalObjectAt(raw: Raw, key: string, path: string): Raw | null {
  const value = raw[key];
  if (value === undefined || value === null) return null;
  return objectAt(raw, key, path);
}

/** Numbers may come as strings: `key=value` arguments of mcconfig are strings. */
function numberAt(raw: Raw, key: string, path: string, min: number, max: number, fallback?: number): number {
  let value = raw[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'string' && value.trim() !== '') value = Number(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `${String(raw[key])} is not a number`);
  if (value < min || value > max) fail(path, `${value} is outside ${min}..${max}`);
  return value;
}

function booleanAt(raw: Raw, key: string, path: string, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(path, `${String(value)} is not true or false`);
}

function stringAt(raw: Raw, key: string, path: string, allowed: readonly string[], fallback?: string): string {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'string' || !allowed.includes(value)) fail(path, `${String(value)} is not one of ${allowed.join(', ')}`);
  return value;
}

function pinAt(raw: Raw, key: string, path: string): number {
  const pin = numberAt(raw, key, path, 0, MAX_GPIO);
  if (!Number.isInteger(pin)) fail(path, `${pin} is not a GPIO number`);
  return pin;
}

function outputPin(raw: Raw, path: string): OutputPin {
  return { pin: pinAt(raw, 'pin', `${path}.pin`), activeLow: booleanAt(raw, 'activeLow', `${path}.activeLow`, false) };
}

function inputPin(raw: Raw, path: string): InputPin {
  return {
    pin: pinAt(raw, 'pin', `${path}.pin`),
    activeLow: booleanAt(raw, 'activeLow', `${path}.activeLow`, true),
    pull: booleanAt(raw, 'pull', `${path}.pull`, true),
  };
}

function loadCellConfig(raw: Raw, path: string): LoadCellConfig {
  const kind = stringAt(raw, 'kind', `${path}.kind`, ['ads1220', 'hx711']);
  if (kind === 'hx711') {
    const rateSps = numberAt(raw, 'rateSps', `${path}.rateSps`, 10, 80);
    if (rateSps !== 10 && rateSps !== 80) fail(`${path}.rateSps`, `${rateSps} is not 10 or 80`);
    return {
      kind,
      dout: pinAt(raw, 'dout', `${path}.dout`),
      sck: pinAt(raw, 'sck', `${path}.sck`),
      rateSps,
      channel: stringAt(raw, 'channel', `${path}.channel`, ['A128', 'A64', 'B32'], 'A128'),
    };
  }
  const dataRateSps = numberAt(raw, 'dataRateSps', `${path}.dataRateSps`, 20, 2000);
  if (!(ADS1220_RATES_SPS as readonly number[]).includes(dataRateSps)) fail(`${path}.dataRateSps`, `${dataRateSps} is not an ADS1220 data rate (${ADS1220_RATES_SPS.join(', ')})`);
  const gain = numberAt(raw, 'gain', `${path}.gain`, 1, 128, 128);
  if (![1, 2, 4, 8, 16, 32, 64, 128].includes(gain)) fail(`${path}.gain`, `${gain} is not a power of two from 1 to 128`);
  return {
    kind: 'ads1220',
    spiPort: numberAt(raw, 'spiPort', `${path}.spiPort`, 1, 2, 1),
    clock: pinAt(raw, 'clock', `${path}.clock`),
    mosi: pinAt(raw, 'mosi', `${path}.mosi`),
    miso: pinAt(raw, 'miso', `${path}.miso`),
    select: pinAt(raw, 'select', `${path}.select`),
    drdy: pinAt(raw, 'drdy', `${path}.drdy`),
    hz: numberAt(raw, 'hz', `${path}.hz`, 100_000, 4_000_000, 2_000_000),
    dataRateSps,
    gain,
    inputMux: numberAt(raw, 'inputMux', `${path}.inputMux`, 0, 15, 3),
    reference: numberAt(raw, 'reference', `${path}.reference`, 0, 3, 1),
  };
}

function lcdConfig(raw: Raw, path: string): LcdConfig {
  const expander = stringAt(raw, 'expander', `${path}.expander`, Object.keys(LCD_EXPANDER_MAX_HZ), 'pcf8574');
  const maxHz = LCD_EXPANDER_MAX_HZ[expander];
  const hz = numberAt(raw, 'hz', `${path}.hz`, 10_000, 400_000, 100_000);
  if (hz > maxHz) fail(`${path}.hz`, `${hz} Hz is beyond the ${maxHz / 1000} kHz a ${expander.toUpperCase()} is specified for`);
  return {
    data: pinAt(raw, 'data', `${path}.data`),
    clock: pinAt(raw, 'clock', `${path}.clock`),
    hz,
    expander,
    address: numberAt(raw, 'address', `${path}.address`, 0x08, 0x77, 0x27),
    columns: numberAt(raw, 'columns', `${path}.columns`, 16, 40, 20),
    rows: numberAt(raw, 'rows', `${path}.rows`, 2, 4, 4),
  };
}

/** Every GPIO is used once: two functions on one pin is a wiring error the build must not hide. */
function checkPinsUnique(config: BoardConfig): void {
  const used = new Map<number, string>();
  const claim = (pin: number, what: string) => {
    const other = used.get(pin);
    if (other !== undefined) fail(what, `GPIO ${pin} is already used by ${other}`);
    used.set(pin, what);
  };
  const cell = config.loadCell;
  if (cell.kind === 'ads1220') {
    claim(cell.clock, 'loadCell.clock');
    claim(cell.mosi, 'loadCell.mosi');
    claim(cell.miso, 'loadCell.miso');
    claim(cell.select, 'loadCell.select');
    claim(cell.drdy, 'loadCell.drdy');
  } else {
    claim(cell.dout, 'loadCell.dout');
    claim(cell.sck, 'loadCell.sck');
  }
  claim(config.pump.pin, 'pump.pin');
  if (config.pump.advanceValve !== null) claim(config.pump.advanceValve.pin, 'pump.advanceValve.pin');
  claim(config.pumpPower.pin, 'pumpPower.pin');
  claim(config.releaseValve.pin, 'releaseValve.pin');
  claim(config.estop.pin, 'inputs.estop.pin');
  claim(config.guardClosed.pin, 'inputs.guardClosed.pin');
  claim(config.start.pin, 'inputs.start.pin');
  claim(config.stop.pin, 'inputs.stop.pin');
  if (config.continueButton !== null) claim(config.continueButton.pin, 'inputs.continue.pin');
  if (config.lcd !== null) {
    claim(config.lcd.data, 'panel.lcd.data');
    claim(config.lcd.clock, 'panel.lcd.clock');
  }
  if (config.statusLed !== null) claim(config.statusLed.pin, 'panel.led.pin');
  if (config.buzzer !== null) claim(config.buzzer.pin, 'panel.buzzer.pin');
  if (config.serial.kind === 'uart') {
    claim(config.serial.transmit, 'serialTransmit');
    claim(config.serial.receive, 'serialReceive');
  }
}

/** The commissioned character, every figure checked against a physical range. */
function characterConfig(raw: Raw | null, path: string): PressCharacter | null {
  if (raw === null) return null;
  const at = (key: string, min: number, max: number) => numberAt(raw, key, `${path}.${key}`, min, max);
  return {
    stickSlipJumpN: at('stickSlipJumpN', 0, 100_000),
    preslidingForceN: at('preslidingForceN', 0, 100_000),
    loadCellNoiseN: at('loadCellNoiseN', 0, 10_000),
    loadCellDriftNPerHour: at('loadCellDriftNPerHour', 0, 10_000),
    loadCellDriftLimitN: at('loadCellDriftLimitN', 0, 100_000),
    conversionsPerS: at('conversionsPerS', 1, 10_000),
    conversionAgeS: at('conversionAgeS', 0, 10),
    pumpKind: stringAt(raw, 'pumpKind', `${path}.pumpKind`, ['gear', 'piston']) as 'gear' | 'piston',
    pumpStrokesPerS: at('pumpStrokesPerS', 0, 1000),
    pumpPistons: at('pumpPistons', 1, 16),
    pumpStrokeMm3: at('pumpStrokeMm3', 0, 1e6),
    pumpTimeConstantS: at('pumpTimeConstantS', 0, 10),
    ramAreaMm2: at('ramAreaMm2', 1, 1e6),
    oilStiffnessNPerMm: at('oilStiffnessNPerMm', 1, 1e9),
    oilStiffnessAt1MPaNPerMm: at('oilStiffnessAt1MPaNPerMm', 1, 1e9),
    frameStiffnessNPerMm: at('frameStiffnessNPerMm', 1, 1e9),
  };
}

/**
 * Reads the manifest config: the pin map under `press`, the serial port from the top-level
 * keys `serial`, `serialPort`, `serialTransmit`, `serialReceive`, `serialBaud` (top level so
 * `mcconfig … serialPort=0` can override them).
 */
export function parseBoardConfig(config: Raw): BoardConfig {
  const press = objectAt(config, 'press', 'press');
  const limits = objectAt(press, 'limits', 'press.limits');
  const pump = objectAt(press, 'pump', 'press.pump');
  const advance = optionalObjectAt(pump, 'advanceValve', 'press.pump.advanceValve');
  const release = objectAt(press, 'releaseValve', 'press.releaseValve');
  const inputs = objectAt(press, 'inputs', 'press.inputs');
  const panel = objectAt(press, 'panel', 'press.panel');
  const lcd = optionalObjectAt(panel, 'lcd', 'press.panel.lcd');
  const led = optionalObjectAt(panel, 'led', 'press.panel.led');
  const buzzer = optionalObjectAt(panel, 'buzzer', 'press.panel.buzzer');
  const continueRaw = optionalObjectAt(inputs, 'continue', 'press.inputs.continue');
  const calibration = objectAt(press, 'calibration', 'press.calibration');
  const serialKind = stringAt(config, 'serial', 'serial', ['usb-cdc', 'uart']);
  const releaseKind = stringAt(release, 'kind', 'press.releaseValve.kind', ['solenoid', 'pwm']);
  const parsed: BoardConfig = {
    name: typeof press.name === 'string' ? press.name : 'esp32',
    limits: {
      maxForceKN: numberAt(limits, 'maxForceKN', 'press.limits.maxForceKN', 1, 10_000),
      loadCellCapacityKN: numberAt(limits, 'loadCellCapacityKN', 'press.limits.loadCellCapacityKN', 0.1, 10_000),
      maxRateMPaPerS: numberAt(limits, 'maxRateMPaPerS', 'press.limits.maxRateMPaPerS', 0.1, 1000),
    },
    character: characterConfig(optionalObjectAt(press, 'character', 'press.character'), 'press.character'),
    loadCell: loadCellConfig(objectAt(press, 'loadCell', 'press.loadCell'), 'press.loadCell'),
    tareCounts: numberAt(calibration, 'tareCounts', 'press.calibration.tareCounts', -8_388_608, 8_388_607),
    kNPerCount: numberAt(calibration, 'kNPerCount', 'press.calibration.kNPerCount', -1, 1),
    pump: {
      kind: stringAt(pump, 'kind', 'press.pump.kind', ['relay', 'pwm']),
      pin: pinAt(pump, 'pin', 'press.pump.pin'),
      activeLow: booleanAt(pump, 'activeLow', 'press.pump.activeLow', false),
      hz: numberAt(pump, 'hz', 'press.pump.hz', 1, 40_000, 1000),
      advanceValve: advance === null ? null : outputPin(advance, 'press.pump.advanceValve'),
    },
    pumpPower: outputPin(objectAt(press, 'pumpPower', 'press.pumpPower'), 'press.pumpPower'),
    releaseValve: {
      kind: releaseKind,
      pin: pinAt(release, 'pin', 'press.releaseValve.pin'),
      activeLow: booleanAt(release, 'activeLow', 'press.releaseValve.activeLow', false),
      hz: numberAt(release, 'hz', 'press.releaseValve.hz', 1, 40_000, 200),
      normallyOpen: booleanAt(release, 'normallyOpen', 'press.releaseValve.normallyOpen', true),
      fallbackLevel: numberAt(release, 'fallbackLevel', 'press.releaseValve.fallbackLevel', 0, 1, 1),
    },
    estop: inputPin(objectAt(inputs, 'estop', 'press.inputs.estop'), 'press.inputs.estop'),
    guardClosed: inputPin(objectAt(inputs, 'guardClosed', 'press.inputs.guardClosed'), 'press.inputs.guardClosed'),
    start: inputPin(objectAt(inputs, 'start', 'press.inputs.start'), 'press.inputs.start'),
    stop: inputPin(objectAt(inputs, 'stop', 'press.inputs.stop'), 'press.inputs.stop'),
    continueButton: continueRaw === null ? null : inputPin(continueRaw, 'press.inputs.continue'),
    lcd: lcd === null ? null : lcdConfig(lcd, 'press.panel.lcd'),
    statusLed: led === null ? null : outputPin(led, 'press.panel.led'),
    buzzer: buzzer === null ? null : outputPin(buzzer, 'press.panel.buzzer'),
    serial: {
      kind: serialKind,
      port: numberAt(config, 'serialPort', 'serialPort', 0, 2, serialKind === 'uart' ? 2 : 0),
      transmit: serialKind === 'uart' ? pinAt(config, 'serialTransmit', 'serialTransmit') : -1,
      receive: serialKind === 'uart' ? pinAt(config, 'serialReceive', 'serialReceive') : -1,
      baud: numberAt(config, 'serialBaud', 'serialBaud', 1200, 5_000_000, 115_200),
    },
    flashPartition: typeof press.flashPartition === 'string' ? press.flashPartition : 'press',
    flashMinBytes: numberAt(press, 'flashMinBytes', 'press.flashMinBytes', 4096, 64 * 1024 * 1024, 1024 * 1024),
    watchdogTimeoutMs: numberAt(press, 'watchdogTimeoutMs', 'press.watchdogTimeoutMs', 0, 60_000, 1000),
    leaseGuardMs: numberAt(press, 'leaseGuardMs', 'press.leaseGuardMs', 1, 100, 5),
  };
  if (parsed.releaseValve.kind === 'solenoid' && parsed.releaseValve.fallbackLevel !== 0 && parsed.releaseValve.fallbackLevel !== 1) {
    fail('press.releaseValve.fallbackLevel', 'an on/off valve falls back to 0 or 1');
  }
  checkPinsUnique(parsed);
  return parsed;
}
