import type { SerialPort } from '../../hal/serial';

/** In-memory serial link: the host side pushes bytes in and collects what the firmware wrote. */
export class SimSerial implements SerialPort {
  private readonly inbound: number[] = [];
  readonly outbound: number[] = [];

  constructor(readonly txCapacity = 4096) {}

  /** Received bytes the firmware has not read yet. */
  get inboundBytes(): number {
    return this.inbound.length;
  }

  /** Takes what the firmware wrote (the host side reads it). */
  hostReceive(): Uint8Array {
    const bytes = Uint8Array.from(this.outbound);
    this.outbound.length = 0;
    return bytes;
  }

  hostSend(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.inbound.push(bytes[i]);
  }

  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.inbound.length);
    for (let i = 0; i < n; i++) into[i] = this.inbound[i];
    // splice returns a new array: only when there is something to take (the firmware polls every 10 ms).
    if (n > 0) this.inbound.splice(0, n);
    return n;
  }

  write(bytes: Uint8Array): number {
    const room = this.txCapacity - this.outbound.length;
    const n = Math.min(room, bytes.length);
    for (let i = 0; i < n; i++) this.outbound.push(bytes[i]);
    return n;
  }
}
