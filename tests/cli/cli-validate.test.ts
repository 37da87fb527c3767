import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { program, repoRoot } from '../support/helpers';

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
  // After each verdict, the forecast for the press: a heading and indented step lines.
  const lines = result.stdout.trim().split('\n').filter((line) => !/^examples\/[\w.-]+\.json: warning: /.test(line) && !line.startsWith('forecast on ') && !line.startsWith('  '));
  assert.is(lines.length, examples.length);
  assert.is(result.stdout.split('\n').filter((line) => line === 'forecast on press-10t:').length, examples.length);
  for (const line of lines) assert.match(line, /^examples\/[\w.-]+\.json: valid \(\d+ steps, \d+ once repeats are unrolled, highest target [\d.]+ MPa, \d+ bytes in flash\)$/);
});

test('an invalid program: exit 1, one line per error, "file: path: message"', () => {
  const result = pressSim(['validate', bad]);
  assert.is(result.status, 1);
  assert.equal(result.stdout.trim().split('\n'), [
    `${bad}: name: "no spaces allowed" is not allowed (1-32 characters: letters, digits, - _ .)`,
    `${bad}: steps[0].to_MPa: 800 MPa on this die is 62.832 kN, above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 636.62 MPa on this die)`,
    `${bad}: steps[0].rate_MPa_s: 0 is out of range (allowed: above 0 up to 50 MPa/s)`,
  ]);
});

test('--json: {valid, errors: [{path, message}]} per file', () => {
  const result = pressSim(['validate', '--json', bad]);
  assert.is(result.status, 1);
  const report = JSON.parse(result.stdout);
  assert.is(report.valid, false);
  assert.equal(report.errors[1], { path: 'steps[0].to_MPa', message: "800 MPa on this die is 62.832 kN, above the load cell's rated capacity of 50 kN (the lowest of die rating 740 MPa, press rating 101.5 kN, load cell 50 kN: 636.62 MPa on this die)" });
  const ok = JSON.parse(pressSim(['validate', good, '--json']).stdout);
  assert.equal(ok, { file: good, valid: true, errors: [], warnings: [] });
});

test('warnings: "file: warning: path: message" lines before the verdict, and in --json; they do not fail the file', () => {
  const fine = write('fine.json', JSON.stringify(program([{ type: 'maintain', at_MPa: 5, duration_s: 60, band_MPa: 0.05 }])));
  const result = pressSim(['validate', fine]);
  assert.is(result.status, 0);
  // The validator's two, then the forecast's for this press, then the verdict.
  const lines = result.stdout.trim().split('\n').filter((line) => !line.startsWith('forecast on ') && !line.startsWith('  '));
  assert.is(lines.length, 4, lines.join('\n'));
  assert.match(lines[0], /^.*fine\.json: warning: steps\[0\]\.at_MPa: 5 MPa is 0\.393 kN on this die, below 1\.8 kN, where the load cell's class 0\.5 range starts/);
  assert.match(lines[1], /^.*fine\.json: warning: steps\[0\]\.band_MPa: 0\.05 MPa is 3\.927 N on this die, narrower than the load cell's 4\.5 N resolution/);
  assert.match(lines[2], /^.*fine\.json: warning: steps\[0\]: expect ±[\d.]+ MPa at 5 MPa against a band of ±0\.05: /);
  assert.match(lines[3], /fine\.json: valid \(/);
  const json = JSON.parse(pressSim(['validate', '--json', fine]).stdout);
  assert.is(json.valid, true);
  assert.equal(json.warnings.map((w: { path: string }) => w.path), ['steps[0].at_MPa', 'steps[0].band_MPa', 'steps[0]']);
});

test('a trailing comma is named as such, with a caret under the comma', () => {
  const trailing = write('trailing.json', '{\n  "format": "press-program/1",\n  "name": "trailing",\n}\n');
  const result = pressSim(['validate', trailing]);
  assert.is(result.status, 1);
  assert.equal(result.stdout.split('\n').slice(0, 3), [`${trailing}:3:21: not valid JSON: trailing comma before } at line 4, column 1`, '    "name": "trailing",', `  ${' '.repeat(20)}^`]);
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
