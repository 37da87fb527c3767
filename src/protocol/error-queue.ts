/**
 * The SCPI error/event queue: first in, first out, bounded. When it is full, the newest entry
 * is replaced by -350 "Queue overflow" and further errors are dropped until a read makes room
 * (SCPI-1999 Vol. 2 §21.8.2).
 */

export interface QueuedError {
  readonly code: number;
  /** `message` or `message;info`, at most MAX_ERROR_TEXT characters. */
  readonly text: string;
}

/** SCPI limits the error/event description to 255 characters. */
export const MAX_ERROR_TEXT = 255;

const NO_ERROR: QueuedError = Object.freeze({ code: 0, text: 'No error' });
const OVERFLOW: QueuedError = Object.freeze({ code: -350, text: 'Queue overflow' });

export function errorText(message: string, info: string): string {
  const text = info === '' ? message : `${message};${info}`;
  return text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT - 3)}...`;
}

export class ErrorQueue {
  private readonly entries: QueuedError[] = [];

  constructor(readonly capacity = 16) {
    if (!(capacity >= 2)) throw new RangeError('error queue capacity must be at least 2');
  }

  get count(): number {
    return this.entries.length;
  }

  /** Adds an error; returns false when it was dropped because the queue is full. */
  push(code: number, message: string, info = ''): boolean {
    const entries = this.entries;
    if (entries.length < this.capacity) {
      entries.push({ code, text: errorText(message, info) });
      return true;
    }
    entries[entries.length - 1] = OVERFLOW;
    return false;
  }

  /** Removes and returns the oldest error, or 0,"No error". */
  next(): QueuedError {
    return this.entries.shift() ?? NO_ERROR;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** UTF-16 units of text held (for the memory bound). */
  textUnits(): number {
    let units = 0;
    for (const entry of this.entries) units += entry.text.length;
    return units;
  }
}
