/**
 * SCPI-1999 error codes (Vol. 2, ch. 21) with their standard messages, the error a command
 * handler throws, and which Event Status Register bit each class of code sets.
 */

/** The standard codes this instrument can report, with the message text SCPI prescribes. */
export const STANDARD_ERRORS: Readonly<Record<number, string>> = Object.freeze({
  0: 'No error',
  [-100]: 'Command error',
  [-101]: 'Invalid character',
  [-102]: 'Syntax error',
  [-103]: 'Invalid separator',
  [-104]: 'Data type error',
  [-108]: 'Parameter not allowed',
  [-109]: 'Missing parameter',
  [-110]: 'Command header error',
  [-111]: 'Header separator error',
  [-112]: 'Program mnemonic too long',
  [-113]: 'Undefined header',
  [-120]: 'Numeric data error',
  [-121]: 'Invalid character in number',
  [-123]: 'Exponent too large',
  [-124]: 'Too many digits',
  [-130]: 'Suffix error',
  [-134]: 'Suffix too long',
  [-138]: 'Suffix not allowed',
  [-140]: 'Character data error',
  [-141]: 'Invalid character data',
  [-144]: 'Character data too long',
  [-150]: 'String data error',
  [-151]: 'Invalid string data',
  [-160]: 'Block data error',
  [-161]: 'Invalid block data',
  [-170]: 'Expression error',
  [-178]: 'Expression data not allowed',
  [-200]: 'Execution error',
  [-203]: 'Command protected',
  [-220]: 'Parameter error',
  [-221]: 'Settings conflict',
  [-222]: 'Data out of range',
  [-223]: 'Too much data',
  [-224]: 'Illegal parameter value',
  [-225]: 'Out of memory',
  [-230]: 'Data corrupt or stale',
  [-240]: 'Hardware error',
  [-241]: 'Hardware missing',
  [-250]: 'Mass storage error',
  [-256]: 'File name not found',
  [-257]: 'File name error',
  [-280]: 'Program error',
  [-281]: 'Cannot create program',
  [-282]: 'Illegal program name',
  [-284]: 'Program currently running',
  [-285]: 'Program syntax error',
  [-286]: 'Program runtime error',
  [-300]: 'Device-specific error',
  [-310]: 'System error',
  [-313]: 'Calibration memory lost',
  [-320]: 'Storage fault',
  [-330]: 'Self-test failed',
  [-340]: 'Calibration failed',
  [-350]: 'Queue overflow',
  [-363]: 'Input buffer overrun',
  [-400]: 'Query error',
  [-430]: 'Query DEADLOCKED',
});

/** Event Status Register bits (IEEE 488.2 §11.5.1). */
export const ESR = Object.freeze({
  OPC: 0x01,
  RQC: 0x02,
  QYE: 0x04,
  DDE: 0x08,
  EXE: 0x10,
  CME: 0x20,
  URQ: 0x40,
  PON: 0x80,
} as const);

/**
 * The ESR bit an error sets, by its class: command errors CME, execution errors EXE,
 * device-specific errors DDE, query errors QYE. Positive (device-defined) codes set DDE.
 */
export function eventBitForCode(code: number): number {
  if (code <= -100 && code > -200) return ESR.CME;
  if (code <= -200 && code > -300) return ESR.EXE;
  if (code <= -300 && code > -400) return ESR.DDE;
  if (code <= -400 && code > -500) return ESR.QYE;
  if (code > 0) return ESR.DDE;
  return 0;
}

/** True for the codes of the command-error class (-100…-199): the rest of the message is skipped. */
export function isCommandError(code: number): boolean {
  return code <= -100 && code > -200;
}

/** The standard message of a code, or the generic message of its class. */
export function standardMessage(code: number): string {
  const exact = STANDARD_ERRORS[code];
  if (exact !== undefined) return exact;
  if (code > -100) return 'Device-specific error';
  return STANDARD_ERRORS[-100 * Math.floor(-code / 100)] ?? 'Device-specific error';
}

/**
 * Thrown by the parser, parameter coercion and command handlers. `info` is the
 * device-dependent part appended after `;` (the offending text, the validator's message);
 * `message` defaults to the standard text of the code. Positive codes are device-defined
 * and should bring their own message. Not an Error subclass: garbage on the line throws one
 * per message, and capturing a stack trace each time would cost more than the parsing.
 */
export class ScpiError {
  readonly code: number;
  readonly info: string;
  readonly standardText: string;

  constructor(code: number, info = '', message?: string) {
    this.code = code;
    this.info = info;
    this.standardText = message ?? standardMessage(code);
  }

  /** `message;info`, as SYSTem:ERRor? shows it. */
  get message(): string {
    return this.info === '' ? this.standardText : `${this.standardText};${this.info}`;
  }

  toString(): string {
    return `${this.code},"${this.message}"`;
  }
}

/** Throws a ScpiError; for handlers: `fail(-222, 'rate above 50 MPa/s')`. */
export function fail(code: number, info = '', message?: string): never {
  throw new ScpiError(code, info, message);
}
