// The device type-check (tools/check/device-typecheck.ts, a stage of npm test) must reject what
// mcconfig's per-file compile would reject, and what cannot run on the device. Our typings
// (typings/moddable) stand in for the SDK's where it is not installed, so they must reject
// every use the SDK's declarations reject; tools/check/sdk-typings.ts compares them with the SDK's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { DEVICE_COMPILER_OPTIONS, checkFilesOnTheirOwn, checkWithSdk, deviceModules, extraTypingFiles, manifestTypings, typingFiles } from '../../tools/check/device-typecheck';
import { compareWithSdk, mcconfigTypeScript } from '../../tools/check/sdk-typings';

const root = path.resolve(import.meta.dirname, '..', '..');

function inTempDir<T>(files: Record<string, string>, use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'device-tc-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function check(files: Record<string, string>, entry: string, typings = typingFiles(root)): string[] {
  return inTempDir(files, (dir) => checkFilesOnTheirOwn([path.join(dir, entry)], typings));
}

/** The problems of one device module that uses the Moddable modules. */
function checkModule(text: string): string[] {
  return check({ 'device.ts': text }, 'device.ts');
}

function assertRejected(problems: string[], pattern: RegExp): void {
  assert.ok(problems.some((p) => pattern.test(p)), `expected ${pattern}, got:\n${problems.join('\n')}`);
}

test('it checks the modules of every platform: the ESP32 drivers, the board, the entry modules and src/', () => {
  const files = deviceModules(root).map((f) => path.relative(root, f));
  for (const file of ['hal/esp32/board.ts', 'main.ts', 'hal/esp32/native/hx711.ts', 'host-sim/moddable/main.ts', 'src/firmware.ts', 'hal/system.ts']) assert.ok(files.includes(file), file);
});

test('a module that uses the Moddable modules as typed passes', () => {
  const problems = check(
    {
      'ok.ts': "import Timer from 'timer';\nimport Digital from 'embedded:io/digital';\nconst led = new Digital({ pin: 2, mode: Digital.Output });\nTimer.repeat(() => led.write(1), 10);\ntrace('ok\\n');\ntrace('n', 1, true, String({}));\n",
    },
    'ok.ts',
  );
  assert.equal(problems, []);
});

test('Node modules and globals do not exist on the device', () => {
  const problems = check({ 'node.ts': "import { readFileSync } from 'node:fs';\nconsole.log(process.argv, readFileSync);\n" }, 'node.ts');
  assert.ok(problems.some((p) => p.includes("'node:fs'")), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes("'console'")), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes("'process'")), problems.join('\n'));
});

test('a Moddable API used against its typing fails', () => {
  const problems = check({ 'timer.ts': "import Timer from 'timer';\nconst id: number = Timer.repeat(() => {}, 10);\nexport { id };\n" }, 'timer.ts');
  assert.ok(problems.some((p) => p.includes("not assignable to type 'number'")), problems.join('\n'));
});

test('compiled file by file: a type imported without `import type` fails (verbatimModuleSyntax)', () => {
  const problems = check({ 'a.ts': 'export interface Shape { n: number }\n', 'b.ts': "import { Shape } from './a';\nexport const s: Shape = { n: 1 };\n" }, 'b.ts');
  assert.ok(problems.some((p) => p.includes('type-only import')), problems.join('\n'));
});

// What the SDK's declarations (Moddable SDK 8.2) reject, ours reject too.

test('trace takes strings, numbers and booleans only (the SDK\'s xs.d.ts): an object or undefined fails', () => {
  const problems = checkModule("const state = { step: 1 };\ntrace(state);\ntrace({});\ntrace('x', undefined);\n");
  assert.is(problems.filter((p) => p.includes("parameter of type 'string | number | boolean'")).length, 3, problems.join('\n'));
});

test('PWM, SPI and I2C have no close() in the SDK\'s typings', () => {
  const problems = checkModule(
    "import PWM from 'embedded:io/pwm';\nimport SPI from 'embedded:io/spi';\nimport I2C from 'embedded:io/i2c';\n" +
      'new PWM({ pin: 32, hz: 200 }).close();\n' +
      'new SPI({ clock: 18, out: 23, in: 19, hz: 1000000, port: 2 }).close();\n' +
      'new I2C({ data: 21, clock: 22, hz: 100000, address: 39 }).close();\n',
  );
  for (const name of ['PWM', 'SPI', 'I2C']) assertRejected(problems, new RegExp(`Property 'close' does not exist on type '${name}'`));
});

test('Digital.write takes 0 or 1 only', () => {
  const problems = checkModule("import Digital from 'embedded:io/digital';\nconst pin = new Digital({ pin: 2, mode: Digital.Output });\npin.write(2);\nconst level: number = 1;\npin.write(level);\n");
  assertRejected(problems, /Argument of type '2' is not assignable to parameter of type '0 \| 1'/);
  assertRejected(problems, /Argument of type 'number' is not assignable to parameter of type '0 \| 1'/);
});

test('the IO classes take the SDK\'s byte buffers only: a Uint16Array or a Float32Array fails', () => {
  const problems = checkModule(
    "import SPI from 'embedded:io/spi';\nimport Serial from 'embedded:io/serial';\n" +
      'const spi = new SPI({ clock: 18, hz: 1000000, port: 2 });\nspi.write(new Uint16Array(2));\n' +
      "const serial = new Serial({ port: 2, transmit: 17, receive: 16, baud: 115200, format: 'buffer' });\nserial.write(new Float32Array(1));\n",
  );
  assertRejected(problems, /Uint16Array<ArrayBuffer>' is not assignable to parameter/);
  assertRejected(problems, /Float32Array<ArrayBuffer>' is not assignable to parameter/);
});

test('Serial: read() needs its buffer, the options need their pins, and there is no flush() in ours', () => {
  const problems = checkModule("import Serial from 'embedded:io/serial';\nconst serial = new Serial({ port: 2, baud: 115200 });\nserial.read();\nserial.flush();\n");
  assertRejected(problems, /is missing the following properties from type .*transmit, receive|Property 'transmit' is missing/);
  assertRejected(problems, /Expected 1 arguments, but got 0/);
  assertRejected(problems, /Property 'flush' does not exist on type 'Serial'/);
});

test('a timer is opaque: only a Timer function makes one', () => {
  const problems = checkModule("import Timer from 'timer';\nTimer.clear({});\nTimer.schedule({} as object);\n");
  assert.is(problems.filter((p) => /is not assignable to parameter of type 'TimerId/.test(p)).length, 2, problems.join('\n'));
});

test('only the default exports exist: the SDK\'s modules export no options or id types', () => {
  const problems = checkModule("import type { DigitalOptions } from 'embedded:io/digital';\nimport type { TimerId } from 'timer';\nimport type { FlashStatus } from 'embedded:storage/flash';\nexport type T = [DigitalOptions, TimerId, FlashStatus];\n");
  for (const name of ['DigitalOptions', 'TimerId', 'FlashStatus']) assertRejected(problems, new RegExp(`has no exported member '${name}'`));
});

test('a module the SDK has no typing for is visible only through the manifest\'s typescript block', () => {
  const text = "import getResetReason from 'resetReason';\nexport const reason: number = getResetReason().reason;\n";
  assertRejected(check({ 'reset.ts': text }, 'reset.ts'), /Cannot find module 'resetReason'/);
  assert.equal(check({ 'reset.ts': text }, 'reset.ts', [...typingFiles(root), ...extraTypingFiles(root)]), []);
});

test('manifestTypings: the typescript types of every manifest a platform reads, relative to the manifest that names them', () => {
  const types = (list: string[]) => ({ typescript: { tsconfig: { compilerOptions: { types: list } } } });
  const files = {
    'manifest.json': JSON.stringify({ include: ['$(MODDABLE)/examples/manifest_base.json'], ...types(['$(MODDABLE)/typings/x']), platforms: { esp32: { include: './board/manifest.json' }, lin: types(['./typings/sim']) } }),
    'board/manifest.json': JSON.stringify(types(['../typings/sdk-extra/reset-reason'])),
  };
  inTempDir(files, (dir) => {
    assert.equal(manifestTypings(dir, 'esp32'), [path.join(dir, 'typings', 'sdk-extra', 'reset-reason.d.ts')]);
    assert.equal(manifestTypings(dir, 'esp32/esp32s3'), [path.join(dir, 'typings', 'sdk-extra', 'reset-reason.d.ts')]);
    assert.equal(manifestTypings(dir, 'lin'), [path.join(dir, 'typings', 'sim.d.ts')]);
  });
});

// The comparison itself, against a stand-in SDK (CI has none).

function compareWithFakeSdk(sdk: Record<string, string>, ours: Record<string, string>): string[] {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(sdk)) files[`sdk/${name}`] = text;
  for (const [name, text] of Object.entries(ours)) files[`ours/${name}`] = text;
  return inTempDir(files, (dir) => {
    const sdkDir = path.join(dir, 'sdk');
    const paths: Record<string, string[]> = {};
    for (const name of Object.keys(sdk)) if (name.startsWith('typings/')) paths[name.slice('typings/'.length, -'.d.ts'.length)] = [path.join(sdkDir, name.slice(0, -'.d.ts'.length))];
    const options: ts.CompilerOptions = { ...DEVICE_COMPILER_OPTIONS, paths, types: [path.join(sdkDir, 'xs')] };
    return compareWithSdk(Object.keys(ours).map((name) => path.join(dir, 'ours', name)), [], options, sdkDir).differences;
  });
}

const FAKE_XS = 'declare function trace(...log: (string | number | boolean)[]): void;\n';

test('comparison: method parameters are compared in the strict direction (TypeScript alone compares them both ways)', () => {
  const sdk = { 'xs.d.ts': FAKE_XS, 'typings/pin.d.ts': "declare module 'pin' {\n  class Pin {\n    constructor(options: { pin: number; hz?: number });\n    write(value: 0 | 1): void;\n    read(): 0 | 1;\n  }\n  export default Pin;\n}\n" };
  const wider = compareWithFakeSdk(sdk, { 'pin.d.ts': "declare module 'pin' {\n  class Pin {\n    constructor(options: { pin: number; hz?: number; mode?: number });\n    write(value: number): void;\n    read(): number;\n    close(): void;\n  }\n  export default Pin;\n}\n" });
  assertRejected(wider, /^pin default export new\(options\) ->\.write\(value\) argument 1: ours accepts number; the SDK's accepts only 0 \| 1$/);
  assertRejected(wider, /^pin default export new\(options\) ->\.close: ours declares it; the SDK's has no such member$/);
  assertRejected(wider, /^pin default export new\(options\) argument 1\.mode: ours accepts it; the SDK's does not know it/);
  assert.is(wider.length, 3, wider.join('\n'));
  // Narrower is fine: read() gives 0 | 1 where ours says number, hz is not declared by ours.
  assert.equal(compareWithFakeSdk(sdk, { 'pin.d.ts': "declare module 'pin' {\n  class Pin {\n    constructor(options: { pin: number });\n    write(value: 0 | 1): void;\n    read(): number;\n  }\n  export default Pin;\n}\n" }), []);
});

test('comparison: globals, argument counts, optional members and exports', () => {
  const sdk = {
    'xs.d.ts': FAKE_XS,
    'typings/clock.d.ts': "declare module 'clock' {\n  const Clock: { readonly ticks: number; delay(ms: number): void; set(seconds: number): void };\n  export default Clock;\n}\n",
  };
  const differences = compareWithFakeSdk(sdk, {
    'globals.d.ts': 'declare function trace(...values: unknown[]): void;\ndeclare function print(text: string): void;\n',
    'clock.d.ts': "declare module 'clock' {\n  export type Ms = number;\n  const Clock: { ticks: number; delay(ms?: number): void; set(seconds: number, dst: number): void };\n  export default Clock;\n}\n",
  });
  assertRejected(differences, /^global trace\(values\) argument 1: ours accepts unknown; the SDK's accepts only string \| number \| boolean$/);
  assertRejected(differences, /^global print: ours declares it; the SDK does not$/);
  assertRejected(differences, /^clock export Ms: ours exports it; the SDK's module does not$/);
  assertRejected(differences, /^clock default export\.ticks: ours may be assigned; the SDK's is read-only$/);
  assertRejected(differences, /^clock default export\.delay\(ms\): ours may be called with 0 argument\(s\); the SDK's needs 1$/);
  assertRejected(differences, /^clock default export\.set\(seconds, dst\): ours may be called with 2 argument\(s\); the SDK's takes at most 1$/);
});

test('comparison: the SDK\'s opaque handle (a class with private members) takes no plain object', () => {
  const sdk = { 'xs.d.ts': FAKE_XS, 'typings/tick.d.ts': "declare module 'tick' {\n  class Tick {\n    private constructor();\n    private brand: boolean;\n    static start: () => Tick;\n    static stop: (tick: Tick) => void;\n  }\n  export default Tick;\n}\n" };
  const plain = compareWithFakeSdk(sdk, { 'tick.d.ts': "declare module 'tick' {\n  const Tick: { start(): {}; stop(tick: {}): void };\n  export default Tick;\n}\n" });
  assert.equal(plain, ["tick default export.stop(tick) argument 1: ours accepts {}; the SDK's takes only its own opaque Tick"]);
  const opaque = "declare module 'tick' {\n  class Handle {\n    private constructor();\n    private readonly handle: true;\n  }\n  const Tick: { start(): Handle; stop(tick: Handle): void };\n  export default Tick;\n}\n";
  assert.equal(compareWithFakeSdk(sdk, { 'tick.d.ts': opaque }), []);
});

// With the SDK installed: the device modules against its declarations, and ours compared with them.
const moddable = process.env.MODDABLE;
if (moddable === undefined || moddable === '') {
  console.log('device-typecheck.test: SDK tests SKIPPED ($MODDABLE is not set): the type-check against the SDK\'s declarations and the comparison of ours with them did not run');
} else {
  test('with the SDK: every device module type-checks against the SDK\'s declarations as mcconfig configures tsc, and ours are never wider', () => {
    const result = checkWithSdk(root, moddable);
    assert.ok(result.modules > 50, `${result.modules} modules`);
    assert.ok(result.comparison.compared.includes('module embedded:io/digital') && result.comparison.compared.includes('global trace'), result.comparison.compared.join(', '));
    assert.equal(result.problems, []);
    assert.equal(result.comparison.differences, []);
  });

  test('with the SDK: the comparison catches a declaration wider than the SDK\'s', () => {
    const [run] = mcconfigTypeScript(root, 'esp32', moddable);
    const wider = "declare module 'embedded:io/pwm' {\n  class PWM {\n    constructor(options: { pin: number });\n    write(value: number): void;\n    close(): void;\n  }\n  export default PWM;\n}\ndeclare module 'embedded:io/digital' {\n  class Digital {\n    static readonly Output: number;\n    constructor(options: { pin: number; mode: number });\n    write(value: number): void;\n  }\n  export default Digital;\n}\ndeclare function trace(...values: unknown[]): void;\n";
    const differences = inTempDir({ 'wider.d.ts': wider }, (dir) => compareWithSdk([path.join(dir, 'wider.d.ts')], [], run!.options, moddable).differences);
    assertRejected(differences, /^embedded:io\/pwm default export new\(options\) ->\.close: ours declares it/);
    assertRejected(differences, /^embedded:io\/digital default export new\(options\) ->\.write\(value\) argument 1: ours accepts number; the SDK's accepts only 0 \| 1/);
    assertRejected(differences, /^global trace\(values\) argument 1: ours accepts unknown/);
  });
}

test.run();
