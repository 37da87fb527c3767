// npm run device:lin / device:esp32 need an installed Moddable SDK: without one they say so and
// fail, and they never fetch anything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function build(args: string[], env: Record<string, string | undefined>) {
  const environment = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete environment[key];
  const result = spawnSync(tsx, [path.join(root, 'tools', 'build', 'device-build.ts'), ...args], { cwd: root, env: environment, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const target of ['lin', 'esp32']) {
  test(`device:${target} without $MODDABLE says so and exits 2`, () => {
    const result = build([target], { MODDABLE: undefined });
    assert.is(result.status, 2, result.output);
    assert.match(result.output, /\$MODDABLE is not set/);
    assert.match(result.output, /Nothing was built/);
  });

  test(`device:${target} with a $MODDABLE that has no host tools says which is missing and exits 2`, () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-sdk-'));
    try {
      const result = build([target], { MODDABLE: empty });
      assert.is(result.status, 2, result.output);
      assert.match(result.output, /mcconfig is missing: build the SDK's host tools first/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
}

test('the device scripts download nothing: no fetch, curl, wget or git clone in them', () => {
  const text = readFileSync(path.join(root, 'tools', 'build', 'device-build.ts'), 'utf8');
  assert.not.match(text, /\b(curl|wget|git clone|fetch\()/);
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.is(scripts['device:lin'], 'tsx tools/build/device-build.ts lin');
  assert.is(scripts['device:esp32'], 'tsx tools/build/device-build.ts esp32');
});

test.run();
