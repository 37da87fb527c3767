/**
 * The page's byte streams to a press: a WebSocket to `press-sim serve --http` (raw SCPI in
 * binary frames, one session per socket), or the press's own USB serial port through Web
 * Serial (Chromium). Both give the SCPI client the same Transport.
 */
import { ClientError } from '../../host-sim/cli/scpi-wire';
import type { Transport } from '../../host-sim/cli/scpi-wire';

export function openWebSocket(url: string, timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      reject(new ClientError(`${url}: ${(error as Error).message}`));
      return;
    }
    socket.binaryType = 'arraybuffer';
    const failures: ((error: Error) => void)[] = [];
    const timer = setTimeout(() => {
      socket.close();
      reject(new ClientError(`no connection to ${url} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      resolve({
        write: (bytes) => socket.send(bytes as Uint8Array<ArrayBuffer>),
        onData: (listener) => socket.addEventListener('message', (event) => listener(new Uint8Array(event.data as ArrayBuffer))),
        onFailure: (listener) => void failures.push(listener),
        close: () => socket.close(),
      });
    });
    socket.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new ClientError(`nothing answers at ${url} (is press-sim serve --http running?)`));
    });
    socket.addEventListener('close', () => {
      for (const listener of failures) listener(new ClientError(`${url} closed the connection`));
    });
  });
}

/** The part of Web Serial the page uses (navigator.serial, Chromium 89+). */
export interface SerialPortLike {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
}

export interface SerialLike {
  requestPort(options?: object): Promise<SerialPortLike>;
}

export function webSerial(): SerialLike | null {
  const serial = (navigator as Navigator & { serial?: SerialLike }).serial;
  return serial === undefined ? null : serial;
}

/** Opens the press's USB port (the baud rate matters on a UART bridge only; USB CDC ignores it). */
export async function openSerialPort(port: SerialPortLike): Promise<Transport> {
  await port.open({ baudRate: 115200 });
  if (port.readable === null || port.writable === null) throw new ClientError('the serial port opened without streams');
  const reader = port.readable.getReader();
  const writer = port.writable.getWriter();
  const dataListeners: ((chunk: Uint8Array) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  let closed = false;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value !== undefined) for (const listener of dataListeners) listener(value);
      }
    } catch (error) {
      if (!closed) for (const listener of failures) listener(new ClientError(`serial port: ${(error as Error).message}`));
      return;
    }
    if (!closed) for (const listener of failures) listener(new ClientError('the serial port closed (unplugged?)'));
  })();
  return {
    write: (bytes) => void writer.write(bytes),
    onData: (listener) => void dataListeners.push(listener),
    onFailure: (listener) => void failures.push(listener),
    close: () => {
      closed = true;
      void reader.cancel().then(() => {
        reader.releaseLock();
        writer.releaseLock();
        return port.close();
      });
    },
  };
}
