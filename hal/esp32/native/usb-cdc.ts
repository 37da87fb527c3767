import type { UsbCdcIo } from '../serial';

/** The USB Serial/JTAG driver of ESP-IDF (usb-cdc.c beside this file). */
export class NativeUsbCdc implements UsbCdcIo {
  constructor(rxBufferBytes: number, txBufferBytes: number) {
    NativeUsbCdc.begin(rxBufferBytes, txBufferBytes);
  }

  private static begin(rxBufferBytes: number, txBufferBytes: number): void {
    native('xs_press_usbcdc_begin').call(this, rxBufferBytes, txBufferBytes);
  }

  read(into: Uint8Array): number {
    return native('xs_press_usbcdc_read').call(this, into);
  }

  write(bytes: Uint8Array): number {
    return native('xs_press_usbcdc_write').call(this, bytes);
  }
}
