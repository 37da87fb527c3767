/**
 * The IEEE 488.2 status model of one session: Event Status Register and its enable mask,
 * Service Request Enable, the error queue, and the Status Byte computed from them.
 */
import { ErrorQueue } from './error-queue';
import { ESR, eventBitForCode, standardMessage } from './errors';

/** Status Byte bits (IEEE 488.2 §11.2, SCPI-1999 Vol. 1 §9). */
export const STB = Object.freeze({
  /** Error/event queue not empty. */
  EAV: 0x04,
  /** Message available: the output queue holds response bytes. */
  MAV: 0x10,
  /** Event summary: ESR & ESE is not zero. */
  ESB: 0x20,
  /** Master summary: (STB & SRE) is not zero, bit 6 excluded. */
  MSS: 0x40,
} as const);

/** STB bits a device may drive (bit 3 QUES, bit 7 OPER and the spare bits 0 and 1). */
export const DEVICE_STB_BITS = 0x8b;

export class StatusModel {
  readonly errors: ErrorQueue;
  /** Event Status Register; read-and-cleared by *ESR?. */
  esr = 0;
  /** Event Status Enable (*ESE). */
  ese = 0;
  /** Service Request Enable (*SRE); bit 6 always reads 0. */
  private sreMask = 0;

  constructor(
    errorQueueLength = 16,
    /** Summary bits of the device's own registers (QUES, OPER), or-ed into the STB. */
    private readonly deviceSummary: () => number = () => 0,
  ) {
    this.errors = new ErrorQueue(errorQueueLength);
  }

  get sre(): number {
    return this.sreMask;
  }

  set sre(value: number) {
    this.sreMask = value & 0xbf;
  }

  /** Queues an error and sets the ESR bit of its class. */
  report(code: number, info = '', message = standardMessage(code)): void {
    this.esr |= eventBitForCode(code);
    this.errors.push(code, message, info);
  }

  powerOn(): void {
    this.esr |= ESR.PON;
  }

  operationComplete(): void {
    this.esr |= ESR.OPC;
  }

  /** *ESR?: returns the register and clears it. */
  readEventStatus(): number {
    const value = this.esr;
    this.esr = 0;
    return value;
  }

  /** The Status Byte with MSS in bit 6 (*STB? reads it without clearing anything). */
  statusByte(messageAvailable: boolean): number {
    let stb = this.deviceSummary() & DEVICE_STB_BITS;
    if (this.errors.count > 0) stb |= STB.EAV;
    if (messageAvailable) stb |= STB.MAV;
    if ((this.esr & this.ese) !== 0) stb |= STB.ESB;
    if ((stb & this.sreMask) !== 0) stb |= STB.MSS;
    return stb;
  }

  /** *CLS: clears the event register and the error queue (not the enable masks). */
  clear(): void {
    this.esr = 0;
    this.errors.clear();
  }
}
