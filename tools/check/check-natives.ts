// npm run check:natives — compiles the ESP32 board's C natives (hal/esp32/native/*.c) on the
// host, warnings as errors, in every build the press has: the classic ESP32 and the ESP32-S3,
// each as a debug and a release build. Then checks with nm that every native("x") of a wrapper
// (hal/esp32/native/*.ts) is a function defined by exactly one object of the build, and that
// each build really took its side of the configuration #if (USB Serial/JTAG on the S3 only,
// the task watchdog user in release builds only).
//
// What it proves: each native is valid C against the XS API the board uses and against the
// ESP-IDF v5 declarations it calls (types, argument counts, includes), with no warning from
// gcc -Wall -Wextra at -Os, and the wrappers cannot drift from their C. That is stricter than
// the board's build, which compiles natives with -Wno-implicit-function-declaration and no
// -Wall: a missing include or a call to an undeclared function only shows up here.
// What it does not prove: anything about behaviour on the chip (timing, the drivers, the
// hardware), nor that the ESP-IDF stand-ins match the ESP-IDF a given build uses: they are
// written from ESP-IDF v5's headers (tools/check/native-check/esp-idf/, each naming its real header)
// and hold only what the natives use: esp-idf/include for every target, esp-idf/<target>/include
// for one chip (as IDF_TARGET and the manifest's components pick them), sdkconfig.h written per
// build. The host is LP64 where the ESP32 is ILP32 (and ESP-IDF v5 makes uint32_t an unsigned
// long), so warnings that hang on type sizes may differ.
//
// The include setup, as tools/mcconfig/make.esp32.mk of the Moddable SDK compiles a native:
// - xs.h and xsmc.h are the real ones, from the XS sources in @agoric/xsnap. The ESP32 build
//   does not define INCLUDE_XSPLATFORM, so xs.h includes no platform header; xsPlatform.h and
//   lin_xs.h (the Linux simulator's platform, glib) are not part of a native's compile there
//   and are not used here.
// - "xsHost.h" is XS's generic one (xs/platforms/xsHost.h). The ESP32's (xs/platforms/esp/)
//   adds FreeRTOS.h and task.h, the mod* timer, critical section and watchdog macros and the
//   c_* library: the natives use none of it, and what the generic header declares (modLog,
//   modMilliseconds, the ICACHE attributes) the ESP32's has too. So a native must include the
//   FreeRTOS and ESP-IDF headers it uses itself, and one that starts using an ESP32-only part
//   of xsHost.h fails here until a stand-in for that part is added.
// - The XS of @agoric/xsnap declares size_t in xs.h without <stddef.h> (newer XS includes it,
//   and on the ESP32 newlib's <errno.h> defines it): stddef.h is force-included for that.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeCalls } from '../build/moddable-manifest';

const root = path.resolve(import.meta.dirname, '..', '..');
export const NATIVE_DIR = path.join(root, 'hal', 'esp32', 'native');
const XS_DIR = path.join(root, 'node_modules', '@agoric', 'xsnap', 'moddable', 'xs');
const IDF_DIR = path.join(root, 'tools', 'check', 'native-check', 'esp-idf');

export const CC = process.env.CC ?? 'gcc';
// gnu17 and -Os as make.esp32.mk (and ESP-IDF v5) compile. No -Wno-unused-parameter: XS's
// macros do not need it; a host function that needs nothing from the machine says (void)the.
export const CFLAGS = ['-std=gnu17', '-Os', '-Wall', '-Wextra', '-Werror', '-fdiagnostics-color=never', '-include', 'stddef.h'];

export interface Build {
  name: string;
  target: 'esp32' | 'esp32s3';
  /** Release builds merge hal/esp32/sdkconfig/<target>/sdkconfig.defaults.release: the task watchdog. */
  release: boolean;
}

export const BUILDS: readonly Build[] = [
  { name: 'esp32 debug', target: 'esp32', release: false },
  { name: 'esp32 release', target: 'esp32', release: true },
  { name: 'esp32s3 debug', target: 'esp32s3', release: false },
  { name: 'esp32s3 release', target: 'esp32s3', release: true },
];

/** A call only one side of a configuration #if makes: a build that lacks it (or has it wrongly) compiled the other side. */
const BRANCHES = [
  { file: 'usb-cdc.c', call: 'usb_serial_jtag_driver_install', macro: 'SOC_USB_SERIAL_JTAG_SUPPORTED', taken: (b: Build) => b.target === 'esp32s3' },
  { file: 'task-wdt.c', call: 'esp_task_wdt_add_user', macro: 'CONFIG_ESP_TASK_WDT_EN', taken: (b: Build) => b.release },
];

/** sdkconfig.h as ESP-IDF generates it: a bool option set to y is 1, one not set is absent. */
function sdkconfigH(build: Build): string {
  const lines = [`#define CONFIG_IDF_TARGET "${build.target}"`, `#define CONFIG_IDF_TARGET_${build.target.toUpperCase()} 1`];
  if (build.release) lines.push('#define CONFIG_ESP_TASK_WDT_EN 1');
  return `#pragma once\n${lines.join('\n')}\n`;
}

function compilerArgs(build: Build, configDir: string): string[] {
  return [
    ...CFLAGS,
    // C_DEFINES of make.esp32.mk: ESP32 is 1 for the ESP32, 3 for the S3; debug builds add mxDebug.
    '-D__ets__',
    `-DESP32=${build.target === 'esp32s3' ? 3 : 1}`,
    ...(build.release ? [] : ['-DmxDebug=1']),
    `-I${configDir}`,
    `-I${path.join(IDF_DIR, build.target, 'include')}`,
    `-I${path.join(IDF_DIR, 'include')}`,
    `-I${path.join(XS_DIR, 'includes')}`,
    `-I${path.join(XS_DIR, 'platforms')}`,
  ];
}

export interface Compile {
  file: string;
  build: string;
  ok: boolean;
  /** The compiler's output, empty when clean. */
  diagnostics: string;
}

export interface NativeCheck {
  compiles: Compile[];
  /** native("x") calls of the wrappers, each checked against every build's objects. */
  bindings: number;
  /** Every failure, each naming its file. */
  problems: string[];
}

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.error !== undefined) return { status: null, output: `${command}: ${result.error.message}` };
  return { status: result.status, output: `${result.stderr}${result.stdout}`.trim() };
}

/** The external symbols of some object files: `nm -A -g`, one line per symbol ("x.o: 0000 T name", "x.o:      U name"). */
function externalSymbols(objects: string[]): { object: string; type: string; name: string }[] {
  const result = run('nm', ['-A', '-g', ...objects], path.dirname(objects[0]));
  if (result.status !== 0) throw new Error(`nm: ${result.output}`);
  return result.output.split('\n').flatMap((line) => {
    const match = /^(.*\.o):\s*(?:[0-9a-f]+\s+)?([A-Za-z])\s+(\S+)$/.exec(line);
    return match === null ? [] : [{ object: match[1], type: match[2], name: match[3] }];
  });
}

/** Compiles every .c of `dir` in each build and checks the .ts wrappers of `dir` against the objects. */
export function checkNatives(dir = NATIVE_DIR, builds: readonly Build[] = BUILDS): NativeCheck {
  const sources = readdirSync(dir).filter((name) => name.endsWith('.c')).sort();
  const calls = readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .flatMap((wrapper) => nativeCalls(path.join(dir, wrapper)).map((name) => ({ wrapper, name })));
  const work = mkdtempSync(path.join(tmpdir(), 'check-natives-'));
  const compiles: Compile[] = [];
  const problems: string[] = [];
  // Problems found in the objects, each once with the builds it occurs in.
  const found = new Map<string, string[]>();
  const note = (message: string, build: Build) => found.set(message, [...(found.get(message) ?? []), build.name]);
  try {
    for (const build of builds) {
      const buildDir = path.join(work, build.name.replace(/\s+/g, '-'));
      mkdirSync(buildDir);
      writeFileSync(path.join(buildDir, 'sdkconfig.h'), sdkconfigH(build));
      const objects = new Map<string, string>();
      for (const file of sources) {
        const object = path.join(buildDir, file.replace(/\.c$/, '.o'));
        const result = run(CC, [...compilerArgs(build, buildDir), '-c', file, '-o', object], dir);
        const ok = result.status === 0 && result.output === '';
        compiles.push({ file, build: build.name, ok, diagnostics: result.output });
        if (ok) objects.set(object, file);
        else problems.push(`${file} [${build.name}]: does not compile cleanly with ${CC}:\n${result.output}`);
      }
      if (objects.size !== sources.length || sources.length === 0) continue; // a compile failure says it all

      const symbols = externalSymbols([...objects.keys()]).map((symbol) => ({ ...symbol, file: objects.get(symbol.object) as string }));
      for (const { wrapper, name } of calls) {
        const files = symbols.filter((symbol) => symbol.type === 'T' && symbol.name === name).map((symbol) => symbol.file);
        if (files.length === 0) note(`${wrapper}: native("${name}") is defined by no compiled native (no function ${name} in ${sources.join(', ')})`, build);
        else if (files.length > 1) note(`${wrapper}: native("${name}") is defined by more than one native: ${files.join(', ')}`, build);
      }
      for (const branch of BRANCHES) {
        if (!sources.includes(branch.file)) continue;
        const made = symbols.some((symbol) => symbol.file === branch.file && symbol.type === 'U' && symbol.name === branch.call);
        if (made !== branch.taken(build)) {
          note(`${branch.file}: ${made ? 'calls' : 'does not call'} ${branch.call}: its #if ${branch.macro} did not see this build's value (a misspelt macro, or its header not included before the #if?)`, build);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const [message, where] of found) problems.push(`${message} [${where.join(', ')}]`);
  return { compiles, bindings: calls.length, problems };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (!existsSync(path.join(XS_DIR, 'includes', 'xsmc.h'))) {
    console.error(`check-natives: ${XS_DIR} is missing (npm ci installs it)`);
    process.exit(1);
  }
  const relative = path.relative(root, NATIVE_DIR);
  const check = checkNatives();
  for (const compile of check.compiles) console.log(`${compile.ok ? 'ok  ' : 'FAIL'} ${path.join(relative, compile.file)} [${compile.build}]`);
  for (const problem of check.problems) console.log(`\n${problem}`);
  const clean = check.compiles.filter((compile) => compile.ok).length;
  console.log(
    `\ncheck-natives: ${clean} of ${check.compiles.length} compiles clean (${CC} ${CFLAGS.join(' ')}; ${BUILDS.map((b) => b.name).join(', ')}), ` +
      `${check.bindings} native() calls checked, ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}`,
  );
  process.exit(check.problems.length === 0 ? 0 : 1);
}
