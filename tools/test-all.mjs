#!/usr/bin/env node
// npm test: type-check (whole repo, the portable core without Node types, and the device
// modules as mcconfig compiles them), the uvu suites in Node, then the XS suite in the real
// XS engine. Stops at the first failing stage and ends with one summary line.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const stages = [
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'typecheck core (no Node types)', command: bin('tsc'), args: ['-p', 'tsconfig.core.json'] },
  { name: 'typecheck web console (DOM)', command: bin('tsc'), args: ['-p', 'web/tsconfig.json'] },
  { name: 'typecheck device (each module on its own, as mcconfig compiles it)', command: bin('tsx'), args: [path.join(root, 'tools', 'check', 'device-typecheck.ts')] },
  { name: 'uvu (Node)', command: bin('tsx'), args: [path.join(root, 'node_modules', 'uvu', 'bin.js'), 'tests', '\\.test\\.ts$'], counts: 'uvu' },
  { name: 'XS suite', command: bin('tsx'), args: [path.join(root, 'tests', 'xs', 'run-xs-suite.ts')], counts: 'plain' },
];

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
for (const stage of stages) {
  console.log(`\n=== ${stage.name}`);
  const result = spawnSync(stage.command, stage.args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  const out = stripAnsi(result.stdout ?? '');
  if (stage.counts === 'uvu') {
    const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
    const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
    passed += ok;
    failed += total - ok;
    if (total === 0) failed++;
  } else if (stage.counts === 'plain') {
    const match = /(\d+) passed, (\d+) failed/.exec(out);
    passed += Number(match?.[1] ?? 0);
    failed += match === null ? 1 : Number(match[2]);
  }
  if (result.status !== 0) {
    if (failed === 0) failed = 1;
    console.log(`\n=== ${stage.name} failed (exit ${result.status})`);
    console.log(`test: ${passed} passed, ${failed} failed`);
    process.exit(1);
  }
}
console.log(`\ntest: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
