/**
 * Freezes a table and every object and array inside it, and returns it. Module-level tables
 * are made with this (or Object.freeze): on the device a preloaded module's frozen objects
 * stay in flash, an unfrozen one takes RAM (tools/check/module-state.ts).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    // Into frozen parts too: a shallowly frozen list may still hold objects that are not.
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
