import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findForbiddenImports } from '../tools/import-rule';

const root = path.resolve(import.meta.dirname, '..');

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

test.run();
