// The PTY bridge of press-sim serve --pty ends quietly: on Ctrl-C at the terminal (SIGINT to
// the whole process group) and when its reader is gone (a broken pipe), never with a traceback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/helpers';

const BRIDGE = path.join(repoRoot, 'tools/python/pty-bridge.py');

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string; exit: Promise<{ code: number | null; signal: string | null }> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const endMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > endMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('Ctrl-C of press-sim serve --pty: "stopped", exit 0, no Python traceback', async () => {
  // Its own process group, as a shell's job: the SIGINT goes to the group (press-sim and the bridge), as Ctrl-C does.
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/press-sim.mjs'), 'serve', '--pty', '--tcp', '0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = collect(child);
  await until(() => out.stdout().includes('stop with Ctrl-C'), 'serve to start');
  assert.match(out.stdout(), /serial port on \/dev\/\S+/);
  process.kill(-child.pid!, 'SIGINT');
  const { code } = await out.exit;
  assert.is(code, 0, out.stderr());
  assert.match(out.stdout(), /stopped\n$/);
  // The bridge may still be finishing when press-sim exits; give it a moment to say anything it would.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.not.match(out.stderr(), /Traceback|KeyboardInterrupt|BrokenPipe|Error/, out.stderr());
  assert.is(out.stderr(), '');
});

test('the bridge with its reader gone (broken pipe on stdout) ends quietly, exit 0', async () => {
  const child = spawn('python3', [BRIDGE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = collect(child);
  await until(() => /^PTY \S+\n/.test(out.stdout()), 'the PTY line');
  const slave = /^PTY (\S+)/.exec(out.stdout())![1];
  child.stdout!.destroy();
  // Bytes from the client side reach the bridge, which cannot pass them on any more.
  const fd = openSync(slave, 'w');
  for (let k = 0; k < 20 && child.exitCode === null; k++) {
    writeSync(fd, 'MEAS:FORC?\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  closeSync(fd);
  const { code } = await out.exit;
  assert.is(code, 0, out.stderr());
  assert.is(out.stderr(), '');
});

test('the bridge ignores a SIGINT of its own and ends when its stdin closes', async () => {
  const child = spawn('python3', [BRIDGE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = collect(child);
  await until(() => /^PTY \S+\n/.test(out.stdout()), 'the PTY line');
  child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(child.exitCode, null, 'still relaying');
  child.stdin!.end();
  const { code } = await out.exit;
  assert.is(code, 0, out.stderr());
  assert.is(out.stderr(), '');
});

test.run();
