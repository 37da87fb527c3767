/**
 * One SCPI session (a serial port, a TCP connection): received bytes in, responses out,
 * its own status registers and error queue. feed() handles every complete message in what
 * it is given and returns; nothing waits. Memory stays bounded whatever arrives: the
 * message buffer, the output queue and the error queue each have a fixed limit.
 */
import type { CommandContext, CommandEntry, CommandTable, HeaderNode } from './command-table';
import { isCommandError, ScpiError } from './errors';
import { MessageFramer } from './framer';
import type { Header, ParamData } from './message-reader';
import { MessageReader } from './message-reader';
import { OutputQueue } from './output-queue';
import type { ResponseData } from './response';
import { encodeResponse } from './response';
import { StatusModel } from './status';

export interface SessionLimits {
  /** Bytes of one message outside its blocks. Longer → -363 Input buffer overrun. */
  maxMessageBytes: number;
  /** Bytes of the blocks in one message. More → -223 Too much data. */
  maxBlockBytes: number;
  /** An over-long block up to this declared length is skipped, not run as commands. */
  blockSkipLimitBytes: number;
  /** Bytes of responses waiting for the transport. */
  outputCapacityBytes: number;
  errorQueueLength: number;
}

export const DEFAULT_LIMITS: SessionLimits = Object.freeze({
  maxMessageBytes: 1024,
  maxBlockBytes: 16384,
  blockSkipLimitBytes: 1 << 20,
  outputCapacityBytes: 18432,
  errorQueueLength: 16,
});

export interface SessionOptions extends Partial<SessionLimits> {
  /** Set PON in the Event Status Register at start (a session that starts with the device). */
  powerOn?: boolean;
  /** STB bits of the device's own status registers (bit 3 QUES, bit 7 OPER), read by *STB?. */
  deviceSummary?: () => number;
}

const LF_CHUNK = new Uint8Array([0x0a]);
const SEMICOLON = 0x3b;

export class ScpiSession {
  readonly status: StatusModel;
  readonly limits: SessionLimits;
  private readonly output: OutputQueue;
  private readonly framer: MessageFramer;
  private readonly context: SessionContext;
  /** Responses of the message being run, so far. */
  private unitsAnswered = 0;

  constructor(readonly table: CommandTable, options: SessionOptions = {}) {
    const limits: SessionLimits = { ...DEFAULT_LIMITS };
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SessionLimits)[]) {
      const value = options[key];
      if (value !== undefined) limits[key] = value;
    }
    this.limits = limits;
    this.status = new StatusModel(limits.errorQueueLength, options.deviceSummary);
    if (options.powerOn ?? true) this.status.powerOn();
    this.output = new OutputQueue(limits.outputCapacityBytes);
    this.framer = new MessageFramer(limits, {
      message: (bytes, length) => this.runMessage(bytes, length),
      overflow: (code, info) => this.status.report(code, info),
    });
    this.context = new SessionContext(++table.sessionsOpened, this.status, () => this.output.queued > 0);
    if ((options.powerOn ?? true) && table.powerOnReport !== null) table.powerOnReport(this.status);
  }

  /** Takes received bytes; runs every message they complete. Handlers must not call feed. */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.framer.feed(bytes, start, end);
  }

  /** This session's id among the sessions of its table (CommandContext.sessionId). */
  get sessionId(): number {
    return this.context.sessionId;
  }

  /** Bytes of responses waiting to be sent. */
  get pendingOutput(): number {
    return this.output.queued;
  }

  /** The next response bytes to send, contiguous (empty when none); valid until consumeOutput or feed. */
  peekOutput(): Uint8Array {
    return this.output.peek();
  }

  consumeOutput(count: number): void {
    this.output.consume(count);
  }

  /** Copies up to into.length response bytes into `into`; returns how many. */
  readOutput(into: Uint8Array): number {
    return this.output.read(into);
  }

  /**
   * Device clear (IEEE 488.2 §5.8): forgets the partial input message and the unsent output;
   * the status registers and the error queue stay. For a new connection, or a client that
   * went quiet in the middle of a message.
   */
  deviceClear(): void {
    this.framer.clear();
    this.output.clear();
  }

  /** Bytes this session holds in its buffers now: input message, queued output, error texts (UTF-16). */
  heldBytes(): number {
    return this.framer.heldBytes + this.output.queued + 2 * this.status.errors.textUnits();
  }

  /** True while a message is partly received. */
  get midMessage(): boolean {
    return this.framer.midMessage;
  }

  private runMessage(bytes: Uint8Array, length: number): void {
    const reader = new MessageReader(bytes, length);
    let path = this.table.root;
    this.unitsAnswered = 0;
    try {
      for (;;) {
        const header = reader.readHeader();
        if (header === null) break;
        const entry = header.common ? this.findCommon(header) : this.findCompound(header, path);
        if (!header.common) path = entry.parent;
        this.runUnit(entry.entry, reader.readParams(), header);
        if (!reader.nextUnit()) break;
      }
    } catch (error) {
      // Command errors end the message: after a syntax error the rest cannot be trusted.
      this.reportThrown(error);
    }
    if (this.unitsAnswered > 0) this.output.push(LF_CHUNK);
  }

  private findCommon(header: Header): { entry: CommandEntry; parent: HeaderNode } {
    const node = this.table.common(header.mnemonics[0]);
    const entry = node === undefined ? undefined : header.query ? node.query : node.command;
    if (entry === undefined) throw new ScpiError(-113, header.text);
    return { entry, parent: this.table.root };
  }

  /** SCPI-1999 Vol. 1 §6.2.4: a header without a leading colon continues from the previous header's path. */
  private findCompound(header: Header, path: HeaderNode): { entry: CommandEntry; parent: HeaderNode } {
    let parent = header.absolute ? this.table.root : path;
    let node: HeaderNode | undefined = parent;
    for (const mnemonic of header.mnemonics) {
      parent = node!;
      node = parent.child(mnemonic);
      if (node === undefined) throw new ScpiError(-113, header.text);
    }
    const entry = header.query ? node!.query : node!.command;
    if (entry === undefined) throw new ScpiError(-113, header.text);
    return { entry, parent };
  }

  /** Runs one unit. Execution errors are queued and the message goes on; command errors are thrown. */
  private runUnit(entry: CommandEntry, params: ParamData[], header: Header): void {
    try {
      const args = coerceParams(entry, params, header);
      if (entry.options.locked?.(this.context) === true) throw new ScpiError(-203, header.text);
      this.context.header = header.text;
      const result = entry.run(args, this.context);
      if (entry.query && result !== undefined) this.respond(result, header);
    } catch (error) {
      if (error instanceof ScpiError && isCommandError(error.code)) throw error;
      this.reportThrown(error);
    }
  }

  private respond(data: ResponseData, header: Header): void {
    const prefix = this.unitsAnswered > 0 ? SEMICOLON : 0;
    // Room for this unit and the newline that ends the response message.
    const encoded = encodeResponse(data, prefix, this.output.free - 1);
    if (typeof encoded === 'number') {
      if (encoded > this.output.capacity - 1) {
        this.status.report(-225, `response to ${header.text} is ${encoded} bytes, the output buffer holds ${this.output.capacity - 1}`);
      } else {
        this.status.report(-430, `output buffer full, response to ${header.text} discarded`);
      }
      return;
    }
    this.output.push(encoded);
    this.unitsAnswered++;
  }

  private reportThrown(error: unknown): void {
    if (error instanceof ScpiError) {
      this.status.report(error.code, error.info, error.standardText);
    } else {
      this.status.report(-310, `internal: ${describeException(error)}`);
    }
  }
}

function coerceParams(entry: CommandEntry, data: ParamData[], header: Header): unknown[] {
  const specs = entry.params;
  if (data.length > specs.length) {
    throw new ScpiError(-108, `${header.text} takes ${specs.length === 0 ? 'no' : `at most ${specs.length}`} parameter${specs.length === 1 ? '' : 's'}, got ${data.length}`);
  }
  const args: unknown[] = [];
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k];
    if (k < data.length) args.push(spec.coerce(data[k]));
    else if (spec.optional) args.push(spec.defaultValue);
    else throw new ScpiError(-109, `${header.text} needs ${spec.syntax} as parameter ${k + 1}`);
  }
  return args;
}

/** What a handler's unexpected exception says, without trusting it to convert to text. */
function describeException(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'an exception that cannot be shown';
  }
}

class SessionContext implements CommandContext {
  header = '';

  constructor(readonly sessionId: number, readonly status: StatusModel, readonly messageAvailable: () => boolean) {}

  report(code: number, info = '', message?: string): void {
    this.status.report(code, info, message);
  }
}
