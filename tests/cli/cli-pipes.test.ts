// The command lines as a shell script uses them: output through pipes (slow readers, readers
// that stop early), files that are too large, a query the press refuses. pressctl talks to a
// press-sim serve started here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main as pressSimMain } from '../../host-sim/cli/press-sim';
import { MAX_PROGRAM_FILE_BYTES } from '../../host-sim/cli/program-file';
import { MAX_PROGRAM_JSON_BYTES } from '../../src/protocol/device-commands';
import { program, repoRoot } from '../support/helpers';

const PRESS_SIM = path.join(repoRoot, 'bin/press-sim.mjs');
const PRESSCTL = path.join(repoRoot, 'bin/pressctl.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'cli-pipes-'));

/** A run whose log is about 100 KB of CSV: 0.1 s samples over 400 s. */
const longFile = path.join(dir, 'long-log.json');
writeFileSync(
  longFile,
  JSON.stringify({
    format: 'press-program/1',
    name: 'long-log',
    die: { diameter_mm: 10, max_pressure_MPa: 740 },
    log_interval_s: 0.1,
    steps: [
      { type: 'ramp', to_MPa: 5, rate_MPa_s: 20 },
      { type: 'hold', duration_s: 400, band_MPa: 2, mode: 'dynamic' },
      { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    ],
  }),
);

/** A program with a 10 MB description. */
const hugeFile = path.join(dir, 'huge.json');
writeFileSync(hugeFile, JSON.stringify({ ...program(), description: 'x'.repeat(10_000_000) }));

let server: ChildProcess | null = null;
let tcp = '';

test.before(async () => {
  server = spawn(process.execPath, [PRESS_SIM, 'serve', '--tcp', '0', '--speed', '400'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    server!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const t = /listening on (tcp:\/\/\S+)/.exec(out);
      if (t !== null) {
        tcp = t[1];
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

test.after(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  wallMs: number;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs a command line with its stdout in a real pipe (a shell pipeline, `set -o pipefail`)
 * into `reader`, e.g. `(sleep 4; cat)`: a reader that reads nothing for 4 s, so the pipe
 * (64 KiB) fills and the rest waits in the writer; or `head -c 100`, which closes its end
 * early. The status is the command's own (the reader succeeds).
 */
function piped(script: string, args: string[], reader = 'cat'): Result {
  const started = Date.now();
  const command = `set -o pipefail; ${[process.execPath, script, ...args].map(quote).join(' ')} | ${reader}`;
  const result = spawnSync('bash', ['-c', command], { cwd: repoRoot, timeout: 120_000, maxBuffer: 1 << 24 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString(), wallMs: Date.now() - started };
}

function pressctl(args: string[], reader = 'cat'): Result {
  return piped(PRESSCTL, ['--port', tcp, ...args], reader);
}

/** No exception reached the user: no stack frame, no Node error dump. */
function assertNoTrace(stderr: string): void {
  assert.not.match(stderr, /\n\s+at |EPIPE|node:internal|Uncaught|Unhandled/, stderr);
}

test('pressctl log N --csv: over 64 KiB through a pipe that is read late arrive whole, exit 0', () => {
  const upload = pressctl(['upload', longFile]);
  assert.is(upload.code, 0, upload.stderr);
  const run = pressctl(['run', 'long-log', '--watch']);
  assert.is(run.code, 0, run.stdout.toString() + run.stderr);
  const outFile = path.join(dir, 'long.csv');
  const saved = pressctl(['log', '1', '--csv', '--out', outFile]);
  assert.is(saved.code, 0, saved.stderr);
  const expected = readFileSync(outFile, 'utf8').trimEnd();
  const rows = expected.split('\n').length - 1;
  assert.ok(expected.length > 80 * 1024, `${expected.length} bytes of CSV`);

  const late = pressctl(['log', '1', '--csv'], '(sleep 4; cat)');
  assert.is(late.code, 0, late.stderr);
  assert.is(late.stderr, '');
  assert.is(late.stdout.length, expected.length + 1, `${late.stdout.length} bytes of ${expected.length + 1}`);
  assert.ok(late.stdout.toString() === `${expected}\n`, 'the bytes differ');
  console.log(`      log --csv: ${late.stdout.length} bytes, ${rows} rows through a pipe first read after 4 s (${late.wallMs} ms)`);
});

test('pressctl log N --csv | head: a reader that closes early ends the output quietly, exit 0', () => {
  // 100 bytes of about 97 KB: the rest meets a closed pipe.
  const closed = pressctl(['log', '1', '--csv'], 'head -c 100');
  assert.is(closed.code, 0, closed.stderr);
  assert.is(closed.stdout.length, 100);
  assertNoTrace(closed.stderr);
  assert.is(closed.stderr, '');
});

test('press-sim plants | head (and other commands into a closed pipe): no EPIPE crash, the command\'s own status', () => {
  // `true` exits before node has started, so every write of press-sim meets a closed pipe.
  for (const args of [['plants'], ['plants', 'press-10t'], ['plants', '--json'], ['--help'], ['validate', 'examples/li6ps5cl-three-layer.json']]) {
    const closed = piped(PRESS_SIM, args, 'true');
    assert.is(closed.code, 0, `${args.join(' ')}: ${closed.stderr}`);
    assertNoTrace(closed.stderr);
    assert.is(closed.stderr, '');
  }
  const head = piped(PRESS_SIM, ['plants'], 'head -2');
  assert.is(head.code, 0, head.stderr);
  assert.is(head.stdout.toString().split('\n').length, 3);
  assert.is(head.stderr, '');
  // Invalid stays invalid when nobody reads the verdict.
  const invalid = piped(PRESS_SIM, ['validate', hugeFile], 'true');
  assert.is(invalid.code, 1);
  assert.is(invalid.stderr, '');
});

test('press-sim validate: a 10 MB program file is refused unread, with its size and the limit; no stack trace', () => {
  assert.is(MAX_PROGRAM_FILE_BYTES, MAX_PROGRAM_JSON_BYTES);
  const result = spawnSync(process.execPath, [PRESS_SIM, 'validate', hugeFile], { encoding: 'utf8', timeout: 60_000 });
  assert.is(result.status, 1, result.stderr);
  const size = readFileSync(hugeFile).length;
  assert.is(result.stdout, `${hugeFile}: is ${size} bytes, over the limit of 16384 bytes for a program (what the press accepts in one PROG:DEF); it was not read\n`);
  assertNoTrace(result.stderr);
  const json = spawnSync(process.execPath, [PRESS_SIM, 'validate', '--json', hugeFile], { encoding: 'utf8', timeout: 60_000 });
  assert.is(json.status, 1);
  const report = JSON.parse(json.stdout);
  assert.is(report.valid, false);
  assert.match(report.errors[0].message, `is ${size} bytes, over the limit of 16384 bytes`);
  const run = spawnSync(process.execPath, [PRESS_SIM, 'run', hugeFile, '--out', path.join(dir, 'out')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 1);
  assert.match(run.stderr, `${hugeFile}: is ${size} bytes, over the limit of 16384 bytes`);
  assertNoTrace(run.stderr);
});

test('press-sim validate: the limit is exact, and a file without a size (a device) is read only up to it', () => {
  const io = { out: [] as string[], err: [] as string[] };
  const capture = { stdout: (t: string) => io.out.push(t), stderr: (t: string) => io.err.push(t) };
  const base = JSON.stringify({ ...program(), description: '' });
  const at = path.join(dir, 'at-limit.json');
  writeFileSync(at, JSON.stringify({ ...program(), description: 'd'.repeat(MAX_PROGRAM_JSON_BYTES - base.length) }));
  assert.is(readFileSync(at).length, MAX_PROGRAM_JSON_BYTES);
  const over = path.join(dir, 'over-limit.json');
  writeFileSync(over, JSON.stringify({ ...program(), description: 'd'.repeat(MAX_PROGRAM_JSON_BYTES + 1 - base.length) }));
  pressSimMain(['validate', at, over, '/dev/zero'], capture);
  assert.not.match(io.out[0], 'over the limit', io.out.join('\n'));
  assert.match(io.out[0], `${at}:`);
  assert.is(io.out[1], `${over}: is 16385 bytes, over the limit of 16384 bytes for a program (what the press accepts in one PROG:DEF); it was not read`);
  assert.is(io.out[2], '/dev/zero: is over 16384 bytes, over the limit of 16384 bytes for a program (what the press accepts in one PROG:DEF); it was not read');
});

test('press-sim run --flash: a file that is no flash image is refused by its size, before it is read', () => {
  const err: string[] = [];
  const programFile = path.join(dir, 'small.json');
  writeFileSync(programFile, JSON.stringify(program()));
  const code = pressSimMain(['run', programFile, '--flash', '/dev/zero', '--out', path.join(dir, 'out')], { stdout: () => {}, stderr: (t) => err.push(t) });
  assert.is(code, 1);
  assert.equal(err, ['press-sim: --flash: /dev/zero: not a regular file (not a flash image of this press)']);
});

test('property: press-sim validate returns 0 or 1 with one verdict per file for any bytes and any JSON, never throws', () => {
  const file = path.join(dir, 'random.json');
  const json = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    // Program-shaped objects with random values where the fields are.
    fc.record({ steps: fc.array(fc.dictionary(fc.constantFrom('type', 'to_MPa', 'rate_MPa_s', 'duration_s', 'band_MPa', 'mode', 'message', 'count', 'at_MPa'), fc.jsonValue({ maxDepth: 1 }))), description: fc.string({ unit: 'binary', maxLength: 200 }), name: fc.string({ maxLength: 40 }), die: fc.jsonValue({ maxDepth: 2 }) }).map((p) => JSON.stringify({ format: 'press-program/1', ...p })),
  );
  const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));
  fc.assert(
    fc.property(fc.oneof(json, bytes), (content) => {
      writeFileSync(file, content);
      const out: string[] = [];
      const code = pressSimMain(['validate', '--json', file], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
      assert.ok(code === 0 || code === 1, `exit ${String(code)}`);
      assert.is(out.length, 1, out.join('\n'));
      const verdict = JSON.parse(out[0]);
      assert.is(verdict.valid, code === 0);
      assert.not.match(out[0], 'the validator failed', out[0]);
    }),
    { numRuns: 300 },
  );
});

test('pressctl show nope: the press\'s own refusal at once, exit 1, not a timeout', () => {
  const refused = pressctl(['--timeout', '30', 'show', 'nope']);
  assert.is(refused.code, 1, refused.stderr);
  assert.is(refused.stderr, 'pressctl: the press refused PROG:DEF? "nope": 104,"No such program;nope"\n');
  assert.is(refused.stdout.length, 0);
  assert.ok(refused.wallMs < 15_000, `${refused.wallMs} ms with a 30 s timeout`);
  console.log(`      show nope: refused in ${refused.wallMs} ms (process start included)`);

  const noRun = pressctl(['--timeout', '30', 'log', '99']);
  assert.is(noRun.code, 1);
  assert.is(noRun.stderr, 'pressctl: the press refused LOG:DATA? 99,0: 106,"No such run;99"\n');
  // A command error (-151) ends the message; a message too long for the press (-363) is dropped whole.
  const badName = pressctl(['--timeout', '30', 'show', 'bad name']);
  assert.is(badName.code, 1);
  assert.match(badName.stderr, /^pressctl: the press refused PROG:DEF\? "bad name": -151,"Invalid string data;/);
  const longName = pressctl(['--timeout', '30', 'show', 'a'.repeat(2000)]);
  assert.is(longName.code, 1);
  assert.match(longName.stderr, /^pressctl: the press refused PROG:DEF\? "a{60,}…: -363,"Input buffer overrun;/);
  assert.ok(longName.wallMs < 15_000, `${longName.wallMs} ms`);
  // A query that works still answers.
  const shown = pressctl(['show', 'long-log']);
  assert.is(shown.code, 0, shown.stderr);
  assert.is(JSON.parse(shown.stdout.toString()).name, 'long-log');
});

test('pressctl upload: an oversized file is refused unread with its size and the limit; nothing reaches the press', () => {
  const upload = pressctl(['upload', hugeFile]);
  assert.is(upload.code, 1);
  assert.match(upload.stderr, `${hugeFile}: is ${readFileSync(hugeFile).length} bytes, over the limit of 16384 bytes`);
  assertNoTrace(upload.stderr);
  const list = pressctl(['list']);
  assert.not.match(list.stdout.toString(), 'test-program');
});

test.run();
