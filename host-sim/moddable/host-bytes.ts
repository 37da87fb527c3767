/**
 * A block of host memory (host-bytes.c beside this file), outside the XS heap. Only on
 * Moddable's desktop runtime.
 */
export class HostBytes extends Native('xs_press_host_bytes_destructor') {
  constructor(byteLength: number, fill: number) {
    super();
    native('xs_press_host_bytes').call(this, byteLength, fill);
  }

  /** The bytes as a Uint8Array: XS lets a typed array view a host buffer as it would an ArrayBuffer. */
  view(): Uint8Array {
    return new Uint8Array(this as unknown as ArrayBuffer);
  }
}
