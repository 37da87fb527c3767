/**
 * press-sim serve: the virtual instrument on a TCP socket (raw SCPI, one session per
 * connection) and/or a pseudo-terminal (the firmware's own serial port, through
 * tools/python/pty-bridge.py), paced to real time or --speed N, until stopped.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ScpiSession } from '../../src/protocol/session';
import { VirtualInstrument } from '../virtual-instrument';
import type { SimFlash } from '../hal/sim-flash';
import type { Plant } from '../plants';
import { eachOption } from './options';
import { startHttpConsole } from './serve-http';
import type { HttpConsole } from './serve-http';

export interface ServeOptions {
  /** TCP port (0: any free one), or null for none. */
  tcpPort: number | null;
  tcpHost: string;
  pty: boolean;
  /** HTTP port for the console page and the SCPI WebSocket (0: any free one), or null for none. */
  httpPort?: number | null;
  /** Simulated seconds per wall second. */
  speed: number;
  plant: Plant;
  seed: number;
  flash?: SimFlash;
  /** --accept-at-press: the simulated operator accepts calibration requests at the press. */
  acceptAtPress?: boolean;
  log: (line: string) => void;
}

/** Wall time the simulation may take in one go before the event loop gets a turn, ms. */
const SLICE_MS = 20;
/** Received bytes the simulated serial port may hold unread before the PTY is paused. */
const SERIAL_BACKLOG_BYTES = 8192;

export interface RunningServer {
  instrument: VirtualInstrument;
  tcpPort: number | null;
  ptyPath: string | null;
  httpPort: number | null;
  close(): Promise<void>;
}

class Connection {
  private session: ScpiSession;

  constructor(private readonly socket: net.Socket, private readonly instrument: VirtualInstrument) {
    this.session = instrument.createSession();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', () => socket.destroy());
  }

  private onData(chunk: Buffer): void {
    // A simulated reset brings up a new firmware: its table, a fresh session.
    if (this.session.table !== this.instrument.firmware.commandTable) this.session = this.instrument.createSession();
    this.session.feed(chunk);
    this.flush();
  }

  private flush(): void {
    const session = this.session;
    while (session.pendingOutput > 0) {
      const bytes = session.peekOutput();
      const more = this.socket.write(Buffer.from(bytes));
      session.consumeOutput(bytes.length);
      // The client is not reading: stop reading its queries until it does (TCP flow control).
      if (!more) {
        this.socket.pause();
        this.socket.once('drain', () => this.socket.resume());
        return;
      }
    }
  }
}

function startPtyBridge(instrument: VirtualInstrument): Promise<{ child: ChildProcess; path: string }> {
  const script = fileURLToPath(new URL('../../tools/python/pty-bridge.py', import.meta.url));
  const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  // A bridge that has gone (killed, or ended at Ctrl-C before press-sim) makes writes to it fail
  // with EPIPE: the serial port just has no terminal any more.
  child.stdin!.on('error', () => {});
  return new Promise((resolve, reject) => {
    let header = '';
    let path: string | null = null;
    child.on('error', (error) => reject(new Error(`cannot start the PTY bridge (python3): ${error.message}`)));
    child.on('exit', (code) => {
      if (path === null) reject(new Error(`the PTY bridge exited (${code}) before opening a terminal`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (path === null) {
        header += chunk.toString('latin1');
        const newline = header.indexOf('\n');
        if (newline < 0) return;
        const match = /^PTY (\S+)/.exec(header.slice(0, newline));
        if (match === null) return reject(new Error(`PTY bridge said ${JSON.stringify(header.slice(0, newline))}`));
        path = match[1];
        data = Buffer.from(header.slice(newline + 1), 'latin1');
        resolve({ child, path });
      }
      if (data.length > 0) instrument.sim.serial.hostSend(data);
      if (instrument.sim.serial.inboundBytes > SERIAL_BACKLOG_BYTES) child.stdout!.pause();
    });
  });
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const instrument = new VirtualInstrument({ seed: options.seed, plant: options.plant, flash: options.flash, acceptCalibrationRequests: options.acceptAtPress === true });
  let server: net.Server | null = null;
  let tcpPort: number | null = null;
  if (options.tcpPort !== null) {
    const listening = net.createServer((socket) => new Connection(socket, instrument));
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.tcpPort!, options.tcpHost, () => resolve());
    });
    server = listening;
    tcpPort = (listening.address() as net.AddressInfo).port;
    options.log(`listening on tcp://${options.tcpHost}:${tcpPort}`);
  }
  let console: HttpConsole | null = null;
  if (options.httpPort !== undefined && options.httpPort !== null) {
    console = await startHttpConsole(instrument, options.httpPort, options.tcpHost);
    options.log(`console on http://${options.tcpHost}:${console.port}/ (SCPI over WebSocket at /scpi)`);
  }
  let bridge: { child: ChildProcess; path: string } | null = null;
  if (options.pty) {
    bridge = await startPtyBridge(instrument);
    options.log(`serial port on ${bridge.path}`);
  }

  const serial = instrument.sim.serial;
  const wallStartMs = performance.now();
  const simStartS = instrument.timeS;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = () => {
    const sliceEnd = performance.now() + SLICE_MS;
    const targetS = simStartS + ((performance.now() - wallStartMs) / 1000) * options.speed;
    while (!instrument.advanceTo(targetS, 200) && performance.now() < sliceEnd);
    if (bridge !== null) {
      if (serial.outbound.length > 0) bridge.child.stdin!.write(Buffer.from(serial.hostReceive()));
      if (serial.inboundBytes < SERIAL_BACKLOG_BYTES / 2) bridge.child.stdout!.resume();
    }
    if (!stopped) timer = setTimeout(run, 1);
  };
  timer = setTimeout(run, 1);
  options.log(`the simulated press runs at ${options.speed}x real time; stop with Ctrl-C`);

  return {
    instrument,
    tcpPort,
    ptyPath: bridge === null ? null : bridge.path,
    httpPort: console === null ? null : console.port,
    close: async () => {
      console?.close();
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      instrument.stop();
      if (bridge !== null) bridge.child.stdin!.end();
      if (server !== null) {
        server.close();
        // Connections still open keep close() from finishing; they end with the process.
      }
    },
  };
}

export interface ServeArgs {
  tcpPort: number | null;
  httpPort: number | null;
  tcpHost: string;
  pty: boolean;
  speed: number;
  plant: string;
  seed: number;
  flash: string;
  acceptAtPress?: boolean;
}

/** Parses `serve` options; throws an Error with the message for a usage error. */
export function parseServeArgs(rest: string[], defaultPlant: string): ServeArgs {
  const args: ServeArgs = { tcpPort: null, httpPort: null, tcpHost: '127.0.0.1', pty: false, speed: 1, plant: defaultPlant, seed: 1, flash: '' };
  let tcpGiven = false;
  for (const { arg, name, inline, value, optionalValue } of eachOption(rest, (message) => new Error(message))) {
    if (name === '--tcp') {
      tcpGiven = true;
      // An optional value: --tcp alone is the raw-SCPI default port.
      const next = optionalValue(/^\d+$/);
      if (next !== undefined) {
        const port = Number(next);
        if (port > 65535) throw new Error(`--tcp: ${next} is not a port`);
        args.tcpPort = port;
      } else args.tcpPort = 5025;
    } else if (name === '--http') {
      const next = optionalValue(/^\d+$/);
      if (next !== undefined && Number(next) > 65535) throw new Error(`--http: ${next} is not a port`);
      args.httpPort = next !== undefined ? Number(next) : 8025;
    } else if (name === '--host') args.tcpHost = value();
    else if (name === '--pty' && inline === undefined) args.pty = true;
    else if (name === '--accept-at-press' && inline === undefined) args.acceptAtPress = true;
    else if (name === '--speed') {
      const text = value();
      const speed = Number(text);
      if (!/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) || !(speed > 0) || !Number.isFinite(speed)) throw new Error(`--speed must be a positive number, got ${JSON.stringify(text)}`);
      args.speed = speed;
    } else if (name === '--plant') args.plant = value();
    else if (name === '--seed') {
      const text = value();
      if (!/^-?\d+$/.test(text)) throw new Error(`--seed must be an integer, got ${JSON.stringify(text)}`);
      args.seed = Number(text);
    } else if (name === '--flash') {
      args.flash = value();
      if (args.flash === '') throw new Error('--flash needs a file');
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!tcpGiven && !args.pty && args.httpPort === null) args.tcpPort = 5025;
  return args;
}
