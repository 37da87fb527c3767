import type { Hx711Port } from '../hx711';

/** The native HX711 shifter (hx711.c beside this file). One converter per board. */
export class NativeHx711Port implements Hx711Port {
  constructor(dout: number, sck: number) {
    NativeHx711Port.begin(dout, sck);
  }

  private static begin(dout: number, sck: number): void {
    native('xs_press_hx711_begin').call(this, dout, sck);
  }

  dataReady(): boolean {
    return native('xs_press_hx711_ready').call(this);
  }

  shiftIn(pulses: number): number {
    return native('xs_press_hx711_shift').call(this, pulses);
  }
}
