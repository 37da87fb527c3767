/**
 * pressctl's transports to the press: TCP (tcp://host:port) or a serial device (/dev/ttyUSB0,
 * /dev/pts/N). The protocol itself is in scpi-wire.ts.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';
import { ClientError, ScpiClient } from './scpi-wire';
import type { Transport } from './scpi-wire';

export * from './scpi-wire';

function describeOpenError(target: string, error: NodeJS.ErrnoException): ClientError {
  switch (error.code) {
    case 'ENOENT':
      return new ClientError(`no device at ${target} (is the press plugged in, or press-sim serve running?)`);
    case 'EBUSY':
      return new ClientError(`${target} is busy: another program has the port open`);
    case 'EACCES':
      return new ClientError(`no permission to open ${target} (on Linux: add yourself to the dialout group)`);
    case 'ECONNREFUSED':
      return new ClientError(`nothing is listening at ${target} (is press-sim serve running?)`);
    case 'ENOTFOUND':
      return new ClientError(`unknown host in ${target}`);
    default:
      return new ClientError(`cannot open ${target}: ${error.message}`);
  }
}

async function openTcp(target: string, timeoutMs: number): Promise<Transport> {
  const match = /^tcp:\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(target);
  if (match === null) throw new ClientError(`${target}: expected tcp://host:port`);
  const socket = net.connect({ host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ClientError(`no connection to ${target} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(describeOpenError(target, error));
    });
  });
  return {
    write: (bytes) => void socket.write(bytes),
    onData: (listener) => void socket.on('data', listener),
    onFailure: (listener) => {
      socket.on('error', listener);
      socket.on('close', () => listener(new ClientError(`${target} closed the connection`)));
    },
    close: () => socket.destroy(),
  };
}

function openSerial(path: string): Transport {
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync(path, 'r');
    writeFd = openSync(path, 'w');
  } catch (error) {
    throw describeOpenError(path, error as NodeJS.ErrnoException);
  }
  if (!tty.isatty(readFd)) throw new ClientError(`${path} is not a serial port or terminal`);
  try {
    // Raw bytes, no echo; the baud rate matters on a UART only (USB CDC and PTYs ignore it).
    execFileSync('stty', ['-F', path, '115200', 'raw', '-echo'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new ClientError(`cannot configure ${path} (stty): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
  }
  const input = new tty.ReadStream(readFd);
  input.setRawMode(true);
  let closed = false;
  return {
    write: (bytes) => {
      let done = 0;
      while (done < bytes.length) done += writeSync(writeFd, bytes, done, bytes.length - done);
    },
    onData: (listener) => void input.on('data', listener),
    onFailure: (listener) => void input.on('error', listener),
    close: () => {
      if (closed) return;
      closed = true;
      input.destroy();
      closeSync(writeFd);
    },
  };
}

/** Opens a session with the press at `target` (tcp://host:port or a device path). */
export async function openScpiClient(target: string, timeoutMs = 5000): Promise<ScpiClient> {
  const transport = target.startsWith('tcp://') ? await openTcp(target, timeoutMs) : openSerial(target);
  return ScpiClient.attach(transport, target, timeoutMs);
}
