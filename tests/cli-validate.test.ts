import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { program, repoRoot } from './helpers';

function pressSim(args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'press-sim.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

const dir = mkdtempSync(path.join(tmpdir(), 'press-validate-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const bad = write('bad.json', JSON.stringify({ ...program([{ type: 'ramp', to_MPa: 800, rate_MPa_s: 0 }]), name: 'no spaces allowed' }, null, 2));
const broken = write('broken.json', '{\n  "format": "press-program/1",\n  "name": "broken"\n  "steps": []\n}\n');
const good = write('good.json', JSON.stringify(program()));

test('all examples: exit 0, one "valid" line per file', () => {
  const examples = readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json')).map((f) => path.join('examples', f));
  const result = pressSim(['validate', ...examples]);
  assert.is(result.status, 0, result.stdout + result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.is(lines.length, examples.length);
  for (const line of lines) assert.match(line, /^examples\/[\w.-]+\.json: valid \(\d+ steps, \d+ once repeats are unrolled, highest target [\d.]+ MPa, \d+ bytes in flash\)$/);
});

test('an invalid program: exit 1, one line per error, "file: path: message"', () => {
  const result = pressSim(['validate', bad]);
  assert.is(result.status, 1);
  assert.equal(result.stdout.trim().split('\n'), [
    `${bad}: name: "no spaces allowed" is not allowed (1-32 characters: letters, digits, - _ .)`,
    `${bad}: steps[0].to_MPa: 800 exceeds the die rating of 740 MPa`,
    `${bad}: steps[0].rate_MPa_s: 0 is out of range (allowed: above 0 up to 50 MPa/s)`,
  ]);
});

test('--json: {valid, errors: [{path, message}]} per file', () => {
  const result = pressSim(['validate', '--json', bad]);
  assert.is(result.status, 1);
  const report = JSON.parse(result.stdout);
  assert.is(report.valid, false);
  assert.equal(report.errors[1], { path: 'steps[0].to_MPa', message: '800 exceeds the die rating of 740 MPa' });
  const ok = JSON.parse(pressSim(['validate', good, '--json']).stdout);
  assert.equal(ok, { file: good, valid: true, errors: [] });
});

test('a file that is not JSON gets its line and column, in text and in --json', () => {
  const result = pressSim(['validate', broken]);
  assert.is(result.status, 1);
  const lines = result.stdout.split('\n');
  assert.is(lines[0], `${broken}:4:3: not valid JSON: unexpected "\\"", expected "," or "}"`);
  assert.is(lines[1], '    "steps": []');
  assert.is(lines[2], '    ^');
  const json = JSON.parse(pressSim(['validate', '--json', broken]).stdout);
  assert.equal(json.errors, [{ path: '', message: 'line 4, column 3: not valid JSON: unexpected "\\"", expected "," or "}"', line: 4, column: 3 }]);
});

test('several files: exit 1 when any is invalid; missing files are errors; no files is a usage error', () => {
  const result = pressSim(['validate', good, bad, path.join(dir, 'missing.json')]);
  assert.is(result.status, 1);
  assert.match(result.stdout, new RegExp(`${good.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: valid`));
  assert.match(result.stdout, /missing\.json: cannot read: no such file/);
  const multi = pressSim(['validate', '--json', good, bad]).stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(multi.map((r) => r.valid), [true, false]);
  assert.is(pressSim(['validate']).status, 2);
  assert.is(pressSim(['validate', '--frobnicate', good]).status, 2);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
