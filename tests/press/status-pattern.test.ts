import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STATUS_SIGNALS, StatusPattern } from '../../hal/panel';
import { RUN_STATE_NAMES, RunState } from '../../src/runner/run-state';

// The firmware hands the runner state to the panel as its status pattern (hal/ cannot import
// the runner): the two tables must be the same, name for name and number for number.
test('StatusPattern is RunState: the same names with the same numbers, one signal per state', () => {
  assert.equal(Object.keys(StatusPattern).sort(), Object.keys(RunState).sort());
  for (const [name, state] of Object.entries(RunState)) assert.is(StatusPattern[name as keyof typeof StatusPattern], state, name);
  assert.is(STATUS_SIGNALS.length, RUN_STATE_NAMES.length);
  for (const [name, state] of Object.entries(RunState)) assert.is(RUN_STATE_NAMES[state], name.toUpperCase(), name);
});

test.run();
