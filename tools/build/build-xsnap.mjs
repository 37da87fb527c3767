#!/usr/bin/env node
// Builds the `xsnap` command line (the XS engine with a computation meter) from the
// Moddable XS sources shipped inside the npm package @agoric/xsnap, using that package's
// own xsnap.mk makefile, and `xsnap-worker` (its protocol mode, which reports the heap
// counters per command: tools/xs/xsnap-worker.ts) with its xsnap-worker.mk. Nothing is
// downloaded: the sources are already in node_modules.
// Runs as our postinstall; `make` keeps rebuilds incremental.
//
// Progress (a line per stage, a dot per compiled C file) goes to stderr when that is a
// terminal, else to /dev/tty when there is one: npm 11 runs install scripts with their
// output captured (shown only with --foreground-scripts or on failure), and the compile takes
// minutes on a small machine. Without a terminal (CI), it goes to stderr.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
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

function progressFd() {
  if (process.stderr.isTTY) return 2;
  try {
    return openSync('/dev/tty', 'w');
  } catch {
    return 2;
  }
}
const progress = progressFd();
const say = (text) => {
  try {
    writeSync(progress, text);
  } catch {
    // Progress is a courtesy: a terminal that went away must not fail the build.
  }
};

/** Runs make; resolves to its exit status and stderr, writing a dot per file it compiles. */
function make(args) {
  return new Promise((resolve) => {
    const child = spawn('make', args, { cwd: makefileDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // The makefiles echo `# xsnap release : cc xsAll.c` before each compile.
    child.stdout.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.startsWith('#') && line.endsWith('.c')) say('.');
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ error, status: null, stderr }));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

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
  say(`build-xsnap: compiling ${path.basename(binary)} (the XS engine, about 50 C files, with ${jobs} job${jobs === '1' ? '' : 's'}) `);
  const result = await make(args);
  say('\n');
  if (result.error) fail(`could not run make: ${result.error.message}`);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    fail(`make -f ${makefile} exited with ${result.status}`);
  }
  if (!existsSync(binary)) fail(`make succeeded but ${binary} is missing`);
  const check = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  const done = `build-xsnap: ${binary} (${check.stdout.trim() || 'built'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(done);
  if (progress !== 2) say(`${done}\n`);
}
if (progress !== 2) closeSync(progress);
