import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { SimFlash } from '../hal/sim-flash';

/**
 * A simulated flash partition kept in a file, so the virtual press keeps its programs,
 * calibration and run logs from one session to the next. Every write and erase goes to the
 * file at once (the file is the partition image, byte for byte).
 */
export function openFlashFile(file: string, byteLength: number): { flash: SimFlash; close(): void } {
  const flash = new SimFlash(byteLength);
  const exists = existsSync(file);
  if (exists) {
    // The size first: a wrong file (a disk image, a device) is refused without reading it.
    const stats = statSync(file);
    if (!stats.isFile()) throw new Error(`${file}: not a regular file (not a flash image of this press)`);
    if (stats.size !== byteLength) throw new Error(`${file}: ${stats.size} bytes, but the partition is ${byteLength} bytes (not a flash image of this press)`);
    const image = readFileSync(file);
    if (image.length !== byteLength) throw new Error(`${file}: ${image.length} bytes, but the partition is ${byteLength} bytes (not a flash image of this press)`);
    flash.bytes.set(image);
  }
  const fd = openSync(file, exists ? 'r+' : 'w+');
  if (!exists) writeSync(fd, flash.bytes, 0, byteLength, 0);
  flash.backing = { changed: (bytes, offset, length) => void writeSync(fd, bytes, offset, length, offset) };
  return {
    flash,
    close: () => {
      flash.backing = null;
      closeSync(fd);
    },
  };
}
