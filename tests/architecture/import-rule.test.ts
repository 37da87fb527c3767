import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findForbiddenHalImports, findForbiddenImports } from '../../tools/check/import-rule';

const root = path.resolve(import.meta.dirname, '..', '..');

test('src/ imports nothing from Node, Moddable, host-sim or board implementations', () => {
  const violations = findForbiddenImports(path.join(root, 'src'), path.join(root, 'hal'));
  assert.equal(violations.map((v) => `${path.relative(root, v.file)}:${v.line} ${v.specifier} (${v.reason})`), []);
});

// The test of the test: the same scan over a copy of src/ with one bad import added must fail.
function scanCopyWith(fileName: string, contents: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-rule-'));
  try {
    cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
    cpSync(path.join(root, 'hal'), path.join(dir, 'hal'), { recursive: true });
    mkdirSync(path.join(dir, 'host-sim'), { recursive: true });
    writeFileSync(path.join(dir, 'src', fileName), contents);
    return findForbiddenImports(path.join(dir, 'src'), path.join(dir, 'hal')).map((v) => ({ ...v, file: path.basename(v.file) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BAD_IMPORTS: [string, string, string][] = [
  ["import { readFileSync } from 'node:fs';", 'node:fs', 'Node built-in'],
  ["import fs from 'fs';", 'fs', 'Node built-in'],
  ["import type { Stats } from 'node:fs';", 'node:fs', 'Node built-in'],
  ["const m = await import('node:child_process');", 'node:child_process', 'Node built-in'],
  ["import Timer from 'timer';", 'timer', 'Moddable module'],
  ["import Digital from 'embedded:io/digital';", 'embedded:io/digital', 'Moddable module'],
  ["import config from 'mc/config';", 'mc/config', 'Moddable module'],
  ["export { x } from 'preference';", 'preference', 'Moddable module'],
  ["import { dryRun } from '../host-sim/scenario';", '../host-sim/scenario', 'reaches outside'],
  ["import { Ads1220 } from '../hal/esp32/ads1220';", '../hal/esp32/ads1220', 'board implementation'],
];

for (const [line, specifier, reason] of BAD_IMPORTS) {
  test(`the scan catches: ${line}`, () => {
    const found = scanCopyWith('added.ts', `// added for the test\n${line}\nexport const x = 1;\n`);
    assert.is(found.length, 1, JSON.stringify(found));
    assert.is(found[0].file, 'added.ts');
    assert.is(found[0].line, 2);
    assert.is(found[0].specifier, specifier);
    assert.ok(found[0].reason.includes(reason), found[0].reason);
  });
}

test('the scan accepts relative imports inside src/ and of HAL interfaces', () => {
  const found = scanCopyWith('added.ts', "import type { Board } from '../hal/board';\nimport { dieAreaMm2 } from './units';\nexport const a = dieAreaMm2(10);\nexport type B = Board;\n");
  assert.equal(found, []);
});

test('hal/: the interfaces import only each other; the ESP32 drivers import Moddable and hal/, never src/ or host-sim', () => {
  const violations = findForbiddenHalImports(path.join(root, 'hal'));
  assert.equal(violations.map((v) => `${path.relative(root, v.file)}:${v.line} ${v.specifier} (${v.reason})`), []);
});

/** The hal/ scan over a copy of hal/ with one file added at `relative`. */
function scanHalCopyWith(relative: string, contents: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-rule-hal-'));
  try {
    cpSync(path.join(root, 'hal'), path.join(dir, 'hal'), { recursive: true });
    writeFileSync(path.join(dir, 'hal', relative), contents);
    return findForbiddenHalImports(path.join(dir, 'hal')).map((v) => ({ ...v, file: path.relative(path.join(dir, 'hal'), v.file) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BAD_HAL_IMPORTS: [string, string, string, string][] = [
  ['esp32/added.ts', "import { PressFirmware } from '../../src/firmware';", '../../src/firmware', 'reaches outside hal/'],
  ['esp32/added.ts', "import { PressSimulator } from '../../host-sim/simulator';", '../../host-sim/simulator', 'reaches outside hal/'],
  ['esp32/added.ts', "import { readFileSync } from 'node:fs';", 'node:fs', 'Node built-in'],
  ['esp32/native/added.ts', "import { crc32 } from '../../../src/bytes/crc32';", '../../../src/bytes/crc32', 'reaches outside hal/'],
  ['added.ts', "import Timer from 'timer';", 'timer', 'Moddable module'],
  ['added.ts', "import { Ads1220 } from './esp32/ads1220';", './esp32/ads1220', 'board implementation'],
  ['added.ts', "import { units } from '../src/units';", '../src/units', 'reaches outside hal/'],
];

for (const [file, line, specifier, reason] of BAD_HAL_IMPORTS) {
  test(`the hal/ scan catches, in hal/${file}: ${line}`, () => {
    const found = scanHalCopyWith(file, `// added for the test\n${line}\nexport const x = 1;\n`);
    assert.is(found.length, 1, JSON.stringify(found));
    assert.is(found[0].file, file);
    assert.is(found[0].line, 2);
    assert.is(found[0].specifier, specifier);
    assert.ok(found[0].reason.includes(reason), found[0].reason);
  });
}

test('the hal/ scan accepts a driver importing Moddable modules, the interfaces and its neighbours', () => {
  const found = scanHalCopyWith('esp32/added.ts', "import Timer from 'timer';\nimport type { Clock } from '../clock';\nimport { Ads1220 } from './ads1220';\nexport const a = [Timer, Ads1220];\nexport type C = Clock;\n");
  assert.equal(found, []);
});

test.run();
