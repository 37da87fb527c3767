// Globals of the XS runtime the device code uses (Moddable SDK documentation: "XS in C",
// section Native; base/debug for trace). Never wider than the SDK's xs/includes/xs.d.ts
// (typings/moddable/README.md).

/**
 * Writes to the debug console (xsbug in debug builds, the console UART or nothing in
 * release). Strings, numbers and booleans only: convert anything else (String(value)).
 */
declare function trace(...values: (string | number | boolean)[]): void;

/**
 * Returns the host function named `name` (a C function compiled into the firmware). xsc only
 * accepts a single string literal argument; `native("x").call(this, ...args)` as the whole
 * body of a function compiles to the same byte code as the `@ "x"` syntax.
 */
declare function native(name: string): (...args: any[]) => any;

/** A host class: `class X extends Native("destructor")`, whose instances carry host data. */
declare function Native(name: string): new (...args: any[]) => any;

interface StringConstructor {
  /** The string whose UTF-8 encoding the buffer holds (XS). */
  fromArrayBuffer(buffer: ArrayBufferLike): string;
}
