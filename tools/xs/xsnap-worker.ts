// A small driver for `xsnap-worker`, the protocol mode of the XS engine in @agoric/xsnap
// (built from the same Moddable sources as `xsnap` by tools/build/build-xsnap.mjs). The worker
// reads netstring commands on fd 3 and answers on fd 4; every command that runs JavaScript
// (a "crank") is answered with the engine's own usage figures:
//   .{"currentHeapCount":N,"compute":N,"allocate":N,"timestamps":[...]}\1<reply>
// currentHeapCount is the machine's `currentHeapCount`: heap slots in use — the live slots
// counted by the last garbage collection plus every slot allocated since (xsMemory.c
// increments it in fxNewSlot and only a collection lowers it). allocate is `allocatedSpace`:
// the bytes XS has obtained from the system for its slot heaps and chunk blocks.
// Commands used here: `m<path>` runs a module, `?<bytes>` calls globalThis.handleCommand
// with an ArrayBuffer of <bytes>, `e<code>` evaluates a script, `w<path>` writes a snapshot
// (after a full collection) and answers its size in bytes, `q` quits.
// We write our own ~100 lines instead of using @agoric/xsnap's src/xsnap.js driver because
// that one needs the SES `harden` global in Node, and because pipelining many commands
// without awaiting each answer (below) is what makes 200 000 cranks take seconds.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
// @ts-expect-error plain ESM helper without type declarations
import { xsnapBuildDir, xsnapPlatform } from '../build/xsnap-path.mjs';

export const xsnapWorkerBinary: string = path.join(xsnapBuildDir, 'bin', xsnapPlatform, 'release', 'xsnap-worker');

export interface MeterUsage {
  currentHeapCount: number;
  compute: number;
  allocate: number;
}

export interface WorkerReply {
  ok: boolean;
  meter: MeterUsage | null;
  body: Buffer;
}

/** Encodes one netstring. */
function netstring(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')]);
}

export class XsnapWorker {
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly replies: WorkerReply[] = [];
  private waiting: (() => void) | null = null;
  private exited: string | null = null;
  stdout = '';
  stderr = '';

  constructor(name = 'press-xs-heap') {
    if (!existsSync(xsnapWorkerBinary)) {
      throw new Error(`xsnap-worker not built at ${xsnapWorkerBinary}: run node tools/build/build-xsnap.mjs (npm install does)`);
    }
    this.child = spawn(xsnapWorkerBinary, [name], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const stdio = this.child.stdio as unknown as [null, Readable, Readable, Writable, Readable];
    stdio[1].setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    stdio[2].setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.toWorker = stdio[3];
    stdio[4].on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.on('exit', (code, signal) => {
      this.exited = `xsnap-worker exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.slice(0, 2000)}` : ''}`;
      this.wake();
    });
    this.toWorker.on('error', () => undefined);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting !== null) waiting();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let offset = 0;
    for (;;) {
      const colon = this.buffered.indexOf(0x3a, offset);
      if (colon < 0) break;
      const length = Number(this.buffered.toString('ascii', offset, colon));
      const end = colon + 1 + length;
      if (this.buffered.length < end + 1) break;
      this.replies.push(parseReply(this.buffered.subarray(colon + 1, end)));
      offset = end + 1;
    }
    this.buffered = offset === 0 ? this.buffered : Buffer.from(this.buffered.subarray(offset));
    this.wake();
  }

  /** Sends commands without waiting, then collects exactly one answer per command, in order. */
  async send(commands: (string | Buffer)[]): Promise<WorkerReply[]> {
    const frames = commands.map(netstring);
    const expected = frames.length;
    this.toWorker.write(Buffer.concat(frames));
    while (this.replies.length < expected) {
      if (this.exited !== null) throw new Error(this.exited);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    return this.replies.splice(0, expected);
  }

  async one(command: string | Buffer): Promise<WorkerReply> {
    const [reply] = await this.send([command]);
    if (!reply.ok) throw new Error(`xsnap-worker: ${command.toString().slice(0, 40)} failed: ${reply.body.toString('utf8')}\n${this.stderr}`);
    return reply;
  }

  async close(): Promise<void> {
    if (this.exited === null) {
      const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.toWorker.end(netstring('q'));
      await done;
    }
  }
}

function parseReply(message: Buffer): WorkerReply {
  const kind = message[0];
  if (kind === 0x2e /* . */) {
    const separator = message.indexOf(1, 1);
    if (separator < 0) return { ok: true, meter: null, body: message.subarray(1) };
    const usage = JSON.parse(message.toString('utf8', 1, separator)) as MeterUsage;
    return { ok: true, meter: usage, body: Buffer.from(message.subarray(separator + 1)) };
  }
  return { ok: false, meter: null, body: Buffer.from(message.subarray(1)) };
}
