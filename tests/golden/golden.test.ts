import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, goldenCases, goldenFileName, runGolden } from './golden-runs';

// Every example × two plants × two seeds, compared whole with the stored record: the step report
// field by field and the trace by its hash. A difference is a change in what the press does.
for (const c of goldenCases()) {
  const file = goldenFileName(c);
  test(`golden: ${file}`, () => {
    const stored = path.join(GOLDEN_DIR, file);
    assert.ok(existsSync(stored), `${file} has no golden record: run npm run golden and commit it`);
    const expected = JSON.parse(readFileSync(stored, 'utf8'));
    const actual = runGolden(c);
    assert.equal(actual.report, expected.report, `${file}: the step report differs`);
    const { report: _a, ...actualFigures } = actual;
    const { report: _e, ...expectedFigures } = expected;
    assert.equal(actualFigures, expectedFigures, `${file}: the run's figures or its trace differ`);
  });
}

test('golden: every stored record belongs to a case', () => {
  assert.ok(goldenCases().length >= 24, 'six examples × two plants × two seeds');
});

test.run();
