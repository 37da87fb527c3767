/** Byte stream to the host (USB CDC or UART). Non-blocking in both directions. */
export interface SerialPort {
  /** Copies up to `into.length` received bytes into `into`; returns how many (0 when none). */
  read(into: Uint8Array): number;
  /** Queues bytes for sending; returns how many were accepted (may be fewer when the buffer is full). */
  write(bytes: Uint8Array): number;
}
