// Globals of the XS runtime the device code uses (Moddable SDK documentation: "XS in C",
// section Native; base/debug for trace). Written for this project from the documentation.

/** Writes to the debug console (xsbug in debug builds, the console UART or nothing in release). */
declare function trace(...values: unknown[]): void;

/**
 * Returns the host function named `name` (a C function compiled into the firmware). xsc only
 * accepts a single string literal argument; `native("x").call(this, ...args)` as the whole
 * body of a function compiles to the same byte code as the `@ "x"` syntax.
 */
declare function native(name: string): (...args: any[]) => any;
