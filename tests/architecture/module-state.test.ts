// Module-level state in preloaded modules (tools/check/module-state.ts): what xsl puts in flash must
// be frozen, and nothing may be written after load.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findModuleState, formatViolation } from '../../tools/check/module-state';
import { manifestLists } from '../../tools/build/manifest-lists';
import { DEVICE_COMPILER_OPTIONS } from '../../tools/check/device-typecheck';

const root = path.resolve(import.meta.dirname, '..', '..');
const OPTIONS = { ...DEVICE_COMPILER_OPTIONS, noUnusedLocals: false };

function preloadedFiles(): string[] {
  const lists = manifestLists(root);
  const names = new Set([...lists.common.preload, ...Object.values(lists.platforms).flatMap((p) => p.preload)]);
  return [...names].sort().map((name) => path.join(root, `${name}.ts`));
}

test('every module the manifest preloads keeps no mutable state at module level', () => {
  const files = preloadedFiles();
  assert.ok(files.length > 80, `${files.length} preloaded modules`);
  assert.ok(files.some((f) => f.endsWith('src/firmware.ts')) && files.some((f) => f.endsWith('hal/esp32/ads1220.ts')) && files.some((f) => f.endsWith('host-sim/physics/detmath.ts')));
  assert.equal(findModuleState(files, OPTIONS).map((v) => formatViolation(root, v)), []);
});

function check(source: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'module-state-'));
  try {
    const file = path.join(dir, 'm.ts');
    writeFileSync(path.join(dir, 'frozen.ts'), "export function deepFreeze<T>(v: T): T { return v; }\n");
    writeFileSync(file, `import { deepFreeze } from './frozen';\nexport const used = deepFreeze;\n${source}`);
    return findModuleState([file], OPTIONS).map((v) => `${v.line} ${v.name}: ${v.reason}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CAUGHT: [string, string, RegExp][] = [
  ['a module-level let', 'let count = 0;\nexport function next(): number { return ++count; }\n', /^3 count: a module-level let or var/],
  ['an object left unfrozen', "export const TABLE = { a: 1, b: 2 };\n", /^3 TABLE: a module-level object that is not frozen/],
  ['an enum-like constant left unfrozen', "export const Kind = { on: 1, off: 0 } as const;\n", /^3 Kind: a module-level object that is not frozen/],
  ['an array of objects frozen only at the top', "export const ROWS = Object.freeze([{ a: 1 }]);\n", /^3 ROWS: a part of a module-level object that is not frozen/],
  ['objects made by a call inside a shallow freeze', "const row = (a: number) => ({ a });\nexport const ROWS = Object.freeze([row(1)]);\n", /^4 ROWS: a part of a module-level object/],
  ['a class instance at module level', "class Counter { n = 0; }\nexport const COUNTER = new Counter();\n", /^4 COUNTER: a module-level object that is not frozen/],
  ['a typed array written at run time', "const scratch = new Float64Array(1);\nexport function f(x: number): number { scratch[0] = x; return scratch[0]; }\n", /^4 scratch: a module-level typed array written at run time/],
  ['a typed array filled at run time', "const buffer = new Uint8Array(4);\nexport function clear(): void { buffer.fill(0); }\n", /^4 buffer: a module-level typed array changed by fill\(\)/],
  ['a typed array incremented at run time', "const counts = new Uint32Array(2);\nexport function bump(): void { counts[0]++; }\n", /^4 counts: a module-level typed array written at run time/],
  ['a global regular expression (its lastIndex changes)', 'const WORDS = /\\w+/g;\nexport const words = (s: string) => s.match(WORDS);\n', /^3 WORDS: a module-level regular expression with the g or y flag/],
  ['an object destructured into module-level names', 'const source = deepFreeze({ part: { a: 1 } });\nexport const { part } = source;\n', /^4 part: an object destructured into a module-level name/],
];

for (const [what, source, expected] of CAUGHT) {
  test(`the check catches ${what}`, () => {
    const found = check(source);
    assert.is(found.length, 1, found.join('\n'));
    assert.match(found[0], expected);
  });
}

test('the check accepts frozen tables, plain constants, functions, classes and a table written only while the module loads', () => {
  const found = check(
    [
      'export const LIMIT_MPA = 740;',
      "export const NAME = 'press';",
      'export const Kind = Object.freeze({ on: 1, off: 0 } as const);',
      'export const ROWS = deepFreeze([{ a: 1 }, { a: 2 }]);',
      'export const COLUMNS = Object.freeze([Object.freeze({ a: 1 })]);',
      'const PATTERN = /^[a-z]+$/;',
      'export const matches = (s: string) => PATTERN.test(s);',
      'export class Thing { n = 0; }',
      'const TABLE = squares();',
      'function squares(): Float64Array { const t = new Float64Array(4); for (let i = 0; i < 4; i++) t[i] = i * i; return t; }',
      'export const square = (i: number) => TABLE[i];',
      'const { on } = Kind;',
      'export const ON = on;',
      '',
    ].join('\n'),
  );
  assert.equal(found, []);
});

test.run();
