#!/usr/bin/env node
// Builds the `xsnap` command line (the XS engine with a computation meter) from the
// Moddable XS sources shipped inside the npm package @agoric/xsnap, using that package's
// own xsnap.mk makefile, and `xsnap-worker` (its protocol mode, which reports the heap
// counters per command: tools/xs/xsnap-worker.ts) with its xsnap-worker.mk. Nothing is
// downloaded: the sources are already in node_modules.
// Runs as our postinstall; `make` keeps rebuilds incremental.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { xsnapPackageDir, xsnapBuildDir, xsnapPlatform, xsnapBinary } from './xsnap-path.mjs';

function fail(message) {
  console.error(`build-xsnap: ${message}`);
  process.exit(1);
}

if (!existsSync(xsnapPackageDir)) {
  fail(`${xsnapPackageDir} is missing; run npm install first`);
}
const makefileDir = path.join(xsnapPackageDir, 'xsnap-native', 'xsnap', 'makefiles', xsnapPlatform);
const moddableDir = path.join(xsnapPackageDir, 'moddable');
for (const makefile of ['xsnap.mk', 'xsnap-worker.mk']) {
  if (!existsSync(path.join(makefileDir, makefile))) fail(`no ${makefile} in ${makefileDir}`);
}
if (!existsSync(path.join(moddableDir, 'xs', 'sources', 'xsAll.c'))) fail(`no XS sources in ${moddableDir}`);

const { version } = JSON.parse(readFileSync(path.join(xsnapPackageDir, 'package.json'), 'utf8'));
const jobs = String(Math.max(1, Math.min(os.cpus().length, 4)));
const workerBinary = path.join(path.dirname(xsnapBinary), 'xsnap-worker');
for (const [makefile, binary] of [['xsnap.mk', xsnapBinary], ['xsnap-worker.mk', workerBinary]]) {
  const args = [
    '-j', jobs,
    '-f', makefile,
    `MODDABLE=${moddableDir}`,
    `BUILD_DIR=${xsnapBuildDir}`,
    'GOAL=release',
    `XSNAP_VERSION=${version}`,
  ];
  const started = Date.now();
  const result = spawnSync('make', args, { cwd: makefileDir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error) fail(`could not run make: ${result.error.message}`);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    fail(`make -f ${makefile} exited with ${result.status}`);
  }
  if (!existsSync(binary)) fail(`make succeeded but ${binary} is missing`);
  const check = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  console.log(`build-xsnap: ${binary} (${check.stdout.trim() || 'built'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
