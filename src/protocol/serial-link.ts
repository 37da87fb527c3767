/**
 * Runs a session over a HAL serial port without ever waiting: each service() call sends what
 * the port accepts, then reads and handles at most one chunk of input. While unsent output
 * fills more than half the output queue it reads nothing, so a client that pipelines
 * queries without reading is slowed by the port's flow control instead of losing answers.
 * A serial line has no connection to start clean with: when the input stops for
 * `idleClearMs` in the middle of a message (a client gone mid-block or mid-string, line
 * noise), the partial message is dropped with a device clear.
 */
import type { SerialPort } from '../../hal/serial';
import type { ScpiSession } from './session';

export class SerialLink {
  private readonly chunk: Uint8Array;
  private lastInputMs = 0;

  constructor(private readonly port: SerialPort, readonly session: ScpiSession, chunkBytes = 256, private readonly idleClearMs = Infinity) {
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** One pass; returns the bytes read (0 when none arrived or output is backed up). */
  service(nowMs = 0): number {
    this.flush();
    if (this.session.pendingOutput * 2 > this.session.limits.outputCapacityBytes) return 0;
    const count = this.port.read(this.chunk);
    if (count > 0) {
      this.lastInputMs = nowMs;
      this.session.feed(this.chunk, 0, count);
      this.flush();
    } else if (this.session.midMessage && nowMs - this.lastInputMs >= this.idleClearMs) {
      this.session.deviceClear();
    }
    return count;
  }

  private flush(): void {
    for (;;) {
      const pending = this.session.peekOutput();
      if (pending.length === 0) return;
      const written = this.port.write(pending);
      this.session.consumeOutput(written);
      if (written < pending.length) return;
    }
  }
}
