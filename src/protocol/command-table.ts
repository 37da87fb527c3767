/**
 * The command table: headers in SCPI notation bound to typed parameters and handlers.
 * Built once and shared by every session (serial port, TCP connections); per-session state
 * reaches handlers through the CommandContext.
 *
 *   table.query('MEASure:FORCe?', [], () => fixed(forceKN(), 3));
 *   table.command('PROGram:SELect', [string({ maxChars: 32 })], ([name]) => select(name));
 *   table.query('LOG:DATA?', [integer({ min: 1 })], ([n]) => csvBytes(n));
 */
import type { Mnemonic } from './header-pattern';
import { parseHeaderPattern } from './header-pattern';
import type { ParamSpec } from './parameters';
import type { ResponseData } from './response';
import type { StatusModel } from './status';

/** What a handler can reach of the session that runs it. */
export interface CommandContext {
  /** The header as the client sent it (for messages). */
  readonly header: string;
  /** Which session runs the command: a number unique among the sessions of this table (1, 2, …), for per-connection state such as an unlock or the ownership of a run. */
  readonly sessionId: number;
  readonly status: StatusModel;
  /** True when the output queue holds response bytes, including earlier queries of this message. */
  messageAvailable(): boolean;
  /** Queues an error without ending the command (e.g. every message of a failed validation). */
  report(code: number, info?: string, message?: string): void;
}

/** The handler's argument tuple, typed from the declared parameters. */
export type ArgsOf<P extends readonly ParamSpec<unknown>[]> = { -readonly [K in keyof P]: P[K] extends ParamSpec<infer T> ? T : never };

export interface CommandOptions {
  /** While this returns true the command fails with -203 Command protected (e.g. calibration before the unlock code). */
  locked?: (context: CommandContext) => boolean;
  /** One line for the command list. */
  summary?: string;
}

export interface CommandEntry {
  /** The header as declared, e.g. `PROGram:DEFine`. */
  readonly pattern: string;
  readonly query: boolean;
  readonly params: readonly ParamSpec<unknown>[];
  readonly run: (args: unknown[], context: CommandContext) => ResponseData | void;
  readonly options: CommandOptions;
}

/** The options of a command that has none: one shared object, not one per command. */
const NO_OPTIONS: CommandOptions = Object.freeze({});

/** One node of the header tree, reachable by its short and its long form. */
export class HeaderNode {
  /** By short and long form; null on a leaf (most nodes): the table is built on the chip's fixed heap, and an empty Map per leaf is slots for nothing. */
  private children: Map<string, HeaderNode> | null = null;
  command: CommandEntry | undefined;
  query: CommandEntry | undefined;

  constructor(readonly mnemonic: Mnemonic | null) {}

  child(input: string): HeaderNode | undefined {
    return this.children === null ? undefined : this.children.get(input);
  }

  /** Adds a child under both its forms. */
  adopt(node: HeaderNode): void {
    const mnemonic = node.mnemonic!;
    if (this.children === null) this.children = new Map();
    this.children.set(mnemonic.short, node);
    this.children.set(mnemonic.long, node);
  }
}

export class CommandTable {
  readonly root = new HeaderNode(null);
  private readonly commons = new Map<string, HeaderNode>();
  private readonly entries: CommandEntry[] = [];
  /** Sessions opened on this table so far: the last session id handed out. */
  sessionsOpened = 0;
  /** Called with the status of every session that starts with the device's power-on state (e.g. to queue what the boot found). */
  powerOnReport: ((status: StatusModel) => void) | null = null;

  /** A command (no response). The header must not end in `?`. */
  command<const P extends readonly ParamSpec<unknown>[]>(
    pattern: string,
    params: P,
    run: (args: ArgsOf<P>, context: CommandContext) => void,
    options: CommandOptions = NO_OPTIONS,
  ): void {
    this.add(pattern, false, params, run as CommandEntry['run'], options);
  }

  /** A query. The header must end in `?`; the handler returns the response. */
  query<const P extends readonly ParamSpec<unknown>[]>(
    pattern: string,
    params: P,
    run: (args: ArgsOf<P>, context: CommandContext) => ResponseData,
    options: CommandOptions = NO_OPTIONS,
  ): void {
    this.add(pattern, true, params, run as CommandEntry['run'], options);
  }

  /** Every registered command and query, in registration order (for a command list). */
  list(): readonly CommandEntry[] {
    return this.entries;
  }

  /** The node of a common command (`IDN` for *IDN), if any. */
  common(mnemonic: string): HeaderNode | undefined {
    return this.commons.get(mnemonic);
  }

  private add(pattern: string, query: boolean, params: readonly ParamSpec<unknown>[], run: CommandEntry['run'], options: CommandOptions): void {
    const parsed = parseHeaderPattern(pattern);
    if (parsed.query !== query) throw new Error(`"${pattern}": ${query ? 'a query header ends in "?"' : 'a command header does not end in "?"'}`);
    let seenOptional = false;
    for (const param of params) {
      if (param.optional) seenOptional = true;
      else if (seenOptional) throw new Error(`"${pattern}": a required parameter follows an optional one`);
    }
    const entry: CommandEntry = { pattern, query, params, run, options };
    const leaves: HeaderNode[] = [];
    if (parsed.common) {
      const name = parsed.variants[0][0].long;
      let node = this.commons.get(name);
      if (node === undefined) {
        node = new HeaderNode(parsed.variants[0][0]);
        this.commons.set(name, node);
      }
      leaves.push(node);
    } else {
      for (const variant of parsed.variants) {
        let node = this.root;
        for (const mnemonic of variant) node = this.childFor(node, mnemonic, pattern);
        leaves.push(node);
      }
    }
    for (const leaf of leaves) {
      if ((query ? leaf.query : leaf.command) !== undefined) {
        const existing = (query ? leaf.query : leaf.command)!;
        throw new Error(`"${pattern}" is already defined by "${existing.pattern}"`);
      }
    }
    for (const leaf of leaves) {
      if (query) leaf.query = entry;
      else leaf.command = entry;
    }
    this.entries.push(entry);
  }

  private childFor(parent: HeaderNode, mnemonic: Mnemonic, pattern: string): HeaderNode {
    const byShort = parent.child(mnemonic.short);
    const byLong = parent.child(mnemonic.long);
    if (byShort === undefined && byLong === undefined) {
      const node = new HeaderNode(mnemonic);
      parent.adopt(node);
      return node;
    }
    const existing = byShort ?? byLong!;
    if (byShort !== byLong || existing.mnemonic!.short !== mnemonic.short || existing.mnemonic!.long !== mnemonic.long) {
      const other = existing.mnemonic!;
      throw new Error(`"${pattern}": ${mnemonic.long} (short ${mnemonic.short}) clashes with ${other.long} (short ${other.short}) at the same level`);
    }
    return existing;
  }
}
