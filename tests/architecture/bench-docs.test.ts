// The benchmark figures in the docs are generated (npm run bench:docs) from bench/results/*.json:
// a generated block that differs from what the results give is stale, and a block that reads a
// results file that is not there quotes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BLOCKS, missingResults, updateDocs } from '../../bench/docs-tables';
import { RESULTS_DIR } from '../../bench/results';

test('every results file a generated block reads is committed', () => {
  assert.equal(missingResults(), []);
});

test('every generated block in the docs is what bench/results gives (npm run bench:docs)', () => {
  for (const update of updateDocs()) {
    assert.equal(update.unknown, [], `${update.file}: blocks the generator does not know`);
    if (update.after !== update.before) {
      const before = update.before.split('\n');
      const after = update.after.split('\n');
      const line = before.findIndex((text, i) => text !== after[i]);
      assert.unreachable(`${update.file}:${line + 1} is stale: run npm run bench:docs\n  doc:       ${before[line]}\n  generated: ${after[line]}`);
    }
  }
});

test('every block is shown in a doc, and every results file is quoted by a block', () => {
  const shown = new Set(updateDocs().flatMap((update) => update.blocks));
  assert.equal(Object.keys(BLOCKS).filter((name) => !shown.has(name)), [], 'blocks no doc shows');
  const quoted = new Set(Object.values(BLOCKS).flatMap((block) => block.reads));
  const files = readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json')).map((name) => path.basename(name, '.json'));
  assert.equal(files.filter((name) => !quoted.has(name)), [], 'results no block quotes');
});

test('the generator only rewrites what lies between the markers', () => {
  for (const update of updateDocs()) {
    const outside = (text: string) => text.replace(/<!-- bench:([a-z0-9-]+):begin -->\n[\s\S]*?<!-- bench:\1:end -->/g, '<!-- bench:$1 -->');
    assert.equal(outside(update.after), outside(update.before), update.file);
  }
});

test.run();
