// The device type-check (tools/device-typecheck.ts, a stage of npm test) must reject what
// mcconfig's per-file compile would reject, and what cannot run on the device.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkFilesOnTheirOwn, deviceModules, typingFiles } from '../tools/device-typecheck';

const root = path.resolve(import.meta.dirname, '..');

function check(files: Record<string, string>, entry: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'device-tc-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return checkFilesOnTheirOwn([path.join(dir, entry)], typingFiles(root));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('it checks the modules of every platform: the ESP32 drivers, the board, the entry modules and src/', () => {
  const files = deviceModules(root).map((f) => path.relative(root, f));
  for (const file of ['hal/esp32/board.ts', 'hal/esp32/main.ts', 'hal/esp32/native/hx711.ts', 'host-sim/moddable-main.ts', 'src/firmware.ts', 'hal/board.ts']) assert.ok(files.includes(file), file);
});

test('a module that uses the Moddable modules as typed passes', () => {
  const problems = check(
    {
      'ok.ts': "import Timer from 'timer';\nimport Digital from 'embedded:io/digital';\nconst led = new Digital({ pin: 2, mode: Digital.Output });\nTimer.repeat(() => led.write(1), 10);\ntrace('ok\\n');\n",
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

test.run();
