import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A module of src/ or hal/ has at most MAX_LINES lines, unless its first comment block has a
 * line that starts with `Size:` and says why it is larger.
 */
const MAX_LINES = 350;
/** A reason is a sentence, not a word. */
const MIN_REASON_CHARS = 20;

const root = path.resolve(import.meta.dirname, '../..');

function modulesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...modulesUnder(full));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/** Lines as `wc -l` counts them, plus an unterminated last line. */
function lineCount(text: string): number {
  const newlines = text.split('\n').length - 1;
  return text.length > 0 && !text.endsWith('\n') ? newlines + 1 : newlines;
}

/** The lines of the file's first comment: a run of `//` lines or one block comment, markers stripped. */
function firstCommentBlock(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^\s*(\/\/|\/\*)/.test(line));
  if (start < 0) return [];
  const block: string[] = [];
  if (lines[start].trim().startsWith('//')) {
    for (let i = start; i < lines.length && lines[i].trim().startsWith('//'); i++) block.push(lines[i].trim().replace(/^\/\/+\s?/, ''));
    return block;
  }
  for (let i = start; i < lines.length; i++) {
    const end = lines[i].includes('*/');
    block.push(lines[i].replace(/\*\/.*$/, '').trim().replace(/^\/\*+\s?/, '').replace(/^\*\s?/, '').trim());
    if (end) break;
  }
  return block;
}

/** The reason given by a `Size:` line of the first comment block (with the lines that follow it up to a blank one), or null. */
function sizeReason(text: string): string | null {
  const block = firstCommentBlock(text);
  const at = block.findIndex((line) => /^Size:/.test(line.trim()));
  if (at < 0) return null;
  const parts = [block[at].trim().slice('Size:'.length).trim()];
  for (let i = at + 1; i < block.length && block[i].trim() !== ''; i++) parts.push(block[i].trim());
  const reason = parts.join(' ').trim();
  return reason.length >= MIN_REASON_CHARS ? reason : null;
}

test(`every module in src/ and hal/ has at most ${MAX_LINES} lines, or gives a reason in a Size: line of its first comment`, () => {
  const oversized: string[] = [];
  let checked = 0;
  for (const folder of ['src', 'hal']) {
    for (const file of modulesUnder(path.join(root, folder))) {
      checked++;
      const text = readFileSync(file, 'utf8');
      const lines = lineCount(text);
      if (lines > MAX_LINES && sizeReason(text) === null) oversized.push(`${path.relative(root, file)}: ${lines} lines`);
    }
  }
  assert.ok(checked > 50, `${checked} modules checked`);
  assert.equal(oversized, [], `modules over ${MAX_LINES} lines without a Size: reason`);
});

test('line count: as wc -l, with an unterminated last line counted', () => {
  assert.is(lineCount(''), 0);
  assert.is(lineCount('a\n'), 1);
  assert.is(lineCount('a\nb'), 2);
  assert.is(lineCount('a\n\nb\n'), 3);
});

test('Size: counts only in the first comment block, and only with a reason', () => {
  const reason = 'one parser for one table of fields';
  assert.is(sizeReason(`import { x } from './x';\n\n/**\n * The thing.\n * Size: ${reason}.\n */\nexport const y = x;\n`), `${reason}.`);
  assert.is(sizeReason(`// The thing.\n// Size: ${reason}.\nexport const y = 1;\n`), `${reason}.`);
  assert.is(sizeReason(`/* Size: ${reason}. */\nexport const y = 1;\n`), `${reason}.`);
  assert.is(sizeReason(`/**\n * The thing.\n * Size: one parser for\n * one table of fields.\n *\n * More.\n */\n`), `${reason}.`);
  // In a later comment, after the first block has ended, or too short to be a reason: none.
  assert.is(sizeReason(`/** The thing. */\nexport const y = 1;\n/** Size: ${reason}. */\n`), null);
  assert.is(sizeReason(`// The thing.\n\n// Size: ${reason}.\n`), null);
  assert.is(sizeReason('/**\n * Size: big.\n */\n'), null);
  assert.is(sizeReason(`export const y = 1; // Size: ${reason}.\n`), null);
  assert.is(sizeReason('export const y = 1;\n'), null);
});

test.run();
