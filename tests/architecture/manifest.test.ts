import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLATFORMS, checkManifest, reachableModules, resolveBuild, resolveSpecifier } from '../../tools/build/moddable-manifest';
import { formatManifest, listDrift, manifestLists, readManifest, withLists } from '../../tools/build/manifest-lists';

const root = path.resolve(import.meta.dirname, '..', '..');

test('manifest.json: every module it names exists, every module the app imports is in it, on every platform', () => {
  assert.equal(checkManifest(root), []);
});

test('the app reaches the firmware, the board and the drivers on the ESP32, the simulated press on lin and mac', () => {
  for (const platform of PLATFORMS) {
    const build = resolveBuild(root, platform);
    const reached = reachableModules(build).reached;
    assert.ok(reached.includes('src/firmware'), `${platform}: ${build.main} reaches src/firmware`);
    if (platform.startsWith('esp32')) {
      assert.is(build.main, 'main');
      for (const module of ['hal/esp32/board', 'hal/esp32/ads1220', 'hal/esp32/hx711', 'hal/esp32/native/hx711', 'hal/esp32/native/task-wdt']) assert.ok(reached.includes(module), `${platform}: ${module}`);
      assert.ok(build.provided.has('embedded:storage/flash') && build.provided.has('resetReason'));
      assert.ok(build.build.PARTITIONS_FILE?.endsWith('.csv'));
    } else {
      assert.is(build.main, 'host-sim/moddable/main');
      assert.not.ok(reached.some((m) => m.startsWith('hal/esp32')), `${platform}: no ESP32 driver in the simulator build`);
    }
  }
});

test('relative specifiers resolve against the module name, as XS does', () => {
  assert.is(resolveSpecifier('hal/esp32/main', '../../src/firmware'), 'src/firmware');
  assert.is(resolveSpecifier('src/firmware', './control/loop-timing'), 'src/control/loop-timing');
  assert.is(resolveSpecifier('main', '../src/x'), '<outside>/../src/x');
  assert.is(resolveSpecifier('a/b', 'timer'), 'timer');
});

test('the partition tables give the press its data partition of at least 1 MB, inside the flash', () => {
  for (const [file, flashBytes] of [
    ['partitions-4mb.csv', 4 * 1024 * 1024],
    ['partitions-8mb.csv', 8 * 1024 * 1024],
  ] as const) {
    const rows = readFileSync(path.join(root, 'hal', 'esp32', file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.split(',').map((cell) => cell.trim()));
    let end = 0x9000;
    for (const [name, , , offset, size] of rows) {
      assert.is(Number(offset), end, `${file}: ${name} starts where the previous one ends`);
      end = Number(offset) + Number(size);
    }
    assert.ok(end <= flashBytes, `${file}: ends at ${end.toString(16)}`);
    const app = rows.find((r) => r[1] === 'app') as string[];
    assert.is(Number(app[3]) % 0x10000, 0, 'app partitions sit on 64 KB boundaries');
    const press = rows.find((r) => r[0] === 'press') as string[];
    assert.is(press[1], 'data');
    assert.ok(Number(press[4]) >= 1024 * 1024 && Number(press[4]) % 4096 === 0);
  }
});

function copySources(dir: string): void {
  for (const entry of ['manifest.json', 'main.ts', 'src', 'hal', 'host-sim', 'typings', 'examples']) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
}

/** Runs the check on a copy of the repository's sources with one change. */
function checkCopy(change: (dir: string) => void): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
  try {
    copySources(dir);
    change(dir);
    return checkManifest(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function editManifest(dir: string, file: string, edit: (m: any) => void): void {
  const full = path.join(dir, file);
  const manifest = JSON.parse(readFileSync(full, 'utf8'));
  edit(manifest);
  writeFileSync(full, JSON.stringify(manifest));
}

test('the check catches a module of src/ missing from the manifest', () => {
  const problems = checkCopy((dir) => editManifest(dir, 'manifest.json', (m) => delete m.modules['src/stats/histogram']));
  assert.ok(problems.some((p) => /imports \.\.\/stats\/histogram \(src\/stats\/histogram\), which is not in the manifest/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /preload src\/stats\/histogram names no module/.test(p)), problems.join('\n'));
});

test('the check catches a module entry that matches no file, and an SDK module the manifest does not include', () => {
  let problems = checkCopy((dir) => editManifest(dir, 'manifest.json', (m) => (m.modules['src/gone/*'] = './src/gone/*')));
  assert.ok(problems.some((p) => p.includes('modules["src/gone/*"]')), problems.join('\n'));
  problems = checkCopy((dir) => editManifest(dir, 'hal/esp32/manifest.json', (m) => (m.include = m.include.filter((i: string) => !i.includes('io/flash')))));
  assert.ok(problems.some((p) => /esp32: hal\/esp32\/board imports embedded:storage\/flash/.test(p)), problems.join('\n'));
});

test('the check catches a native call without its C function, and a preloaded entry module', () => {
  let problems = checkCopy((dir) => {
    const file = path.join(dir, 'hal', 'esp32', 'native', 'task-wdt.c');
    writeFileSync(file, readFileSync(file, 'utf8').replace('void xs_press_twdt_feed(', 'void xs_press_twdt_fed('));
  });
  assert.ok(problems.some((p) => p.includes('native("xs_press_twdt_feed")')), problems.join('\n'));
  problems = checkCopy((dir) => editManifest(dir, 'manifest.json', (m) => m.platforms.esp32.preload.push('main')));
  assert.ok(problems.some((p) => p.includes('entry module main is preloaded')), problems.join('\n'));
});

test('the check catches a module whose name does not mirror its path (XS and TypeScript would load different files)', () => {
  const problems = checkCopy((dir) =>
    editManifest(dir, 'manifest.json', (m) => {
      m.platforms.esp32.modules['esp32/board'] = './hal/esp32/board';
      delete m.platforms.esp32.modules['hal/esp32/board'];
    }),
  );
  assert.ok(problems.some((p) => /main imports \.\/hal\/esp32\/board \(hal\/esp32\/board\), which is not in the manifest/.test(p)), problems.join('\n'));
});

test('the committed module and preload lists are the import graph\'s (npm run manifest writes them)', () => {
  assert.equal(listDrift(root), []);
  const lists = manifestLists(root);
  assert.ok(lists.common.modules['src/firmware'] === './src/firmware' && lists.common.preload.includes('src/firmware'));
  for (const platform of ['esp32', 'esp32/esp32s3']) {
    const own = lists.platforms[platform];
    assert.ok(own.modules.main === './main' && !own.preload.includes('main'), `${platform}: main is a module and is not preloaded`);
    assert.ok(own.preload.includes('hal/esp32/board') && own.preload.includes('hal/esp32/native/hx711'));
  }
  assert.not.ok('hal/esp32/io' in lists.platforms.esp32.modules, 'a module imported only for its types is not in the build');
  assert.ok(lists.platforms.lin.preload.includes('host-sim/simulator') && !lists.platforms.lin.preload.includes('host-sim/moddable/main'));
  // Written by the tool, the file is what is committed.
  assert.is(formatManifest(withLists(readManifest(root), lists)), readFileSync(path.join(root, 'manifest.json'), 'utf8'));
});

test('the creation sizes: fixed (no growth) on the boards, and the Moddable app on lin runs within the ESP32\'s', () => {
  const manifest = readManifest(root) as { creation: Record<string, any>; platforms: Record<string, { creation: Record<string, any> }> };
  assert.is(manifest.creation.keys.incremental, 0, 'no key growth');
  for (const platform of ['esp32', 'esp32/esp32s3', 'lin', 'mac']) {
    const creation = manifest.platforms[platform].creation;
    assert.is(creation.chunk.incremental, 0, `${platform}: chunk growth`);
    assert.is(creation.heap.incremental, 0, `${platform}: heap growth`);
  }
  const { main: _esp32Main, ...esp32 } = manifest.platforms.esp32.creation;
  for (const platform of ['lin', 'mac']) {
    const { main, ...sizes } = manifest.platforms[platform].creation;
    assert.is(main, 'host-sim/moddable/main');
    assert.equal(sizes, esp32, `${platform} creation sizes are the ESP32's`);
  }
});

/** The drift check on a copy of the sources with one change. */
function driftOfCopy(change: (dir: string) => void): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifest-drift-'));
  try {
    copySources(dir);
    change(dir);
    return listDrift(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the drift check fails on a new module the lists do not have', () => {
  const drift = driftOfCopy((dir) => {
    writeFileSync(path.join(dir, 'src', 'extra.ts'), 'export const EXTRA = 1;\n');
    const firmware = path.join(dir, 'src', 'firmware.ts');
    writeFileSync(firmware, `import { EXTRA } from './extra';\nexport const USES_EXTRA = EXTRA;\n${readFileSync(firmware, 'utf8')}`);
  });
  assert.ok(drift.includes('manifest.json: modules lacks src/extra (reached from the entry module)'), drift.join('\n'));
  assert.ok(drift.includes('manifest.json: preload lacks src/extra'), drift.join('\n'));
});

test('the drift check fails on a module left out of the preload list, and on one no entry reaches any more', () => {
  let drift = driftOfCopy((dir) => editManifest(dir, 'manifest.json', (m) => (m.preload = m.preload.filter((n: string) => n !== 'src/control/controller'))));
  assert.equal(drift, ['manifest.json: preload lacks src/control/controller']);
  drift = driftOfCopy((dir) => editManifest(dir, 'manifest.json', (m) => (m.platforms.lin.modules['host-sim/cli/pressctl'] = './host-sim/cli/pressctl')));
  assert.equal(drift, ['manifest.json platforms["lin"]: modules names host-sim/cli/pressctl, which no entry module reaches at run time']);
  drift = driftOfCopy((dir) => editManifest(dir, 'manifest.json', (m) => m.platforms['esp32/esp32s3'].preload.push('main')));
  assert.equal(drift, ['manifest.json platforms["esp32/esp32s3"]: preload names main, which is not a preloadable module of the build']);
});

test.run();
