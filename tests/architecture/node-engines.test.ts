import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineMismatches, lowestVersions, readProject, satisfies } from '../../tools/check/node-engines';
import { repoRoot } from '../support/helpers';

test('the range reading agrees with npm on the ranges packages give for Node', () => {
  const cases: [string, string, boolean][] = [
    ['20.20.2', '>=20', true],
    ['20.20.2', '>=22', false],
    ['20.20.2', '^20.9 || ^22.11', true],
    ['20.8.0', '^20.9 || ^22.11', false],
    ['21.0.0', '^20.9 || ^22.11', false],
    ['22.11.0', '^20.9 || ^22.11', true],
    ['20.20.2', '>= 18', true],
    ['20.20.2', '>=12.17.0', true],
    ['20.20.2', '^8.16.0 || ^10.6.0 || >=11.0.0', true],
    ['10.5.0', '^8.16.0 || ^10.6.0 || >=11.0.0', false],
    ['20.20.2', '*', true],
    ['20.20.2', '20.x', true],
    ['20.20.2', '~20.19', false],
    ['20.20.2', '18 - 20', true],
    ['21.0.0', '18 - 20', false],
    ['20.20.2', '>=14 <20', false],
    ['0.3.5', '^0.3.1', true],
    ['0.4.0', '^0.3.1', false],
  ];
  for (const [version, range, expected] of cases) assert.is(satisfies(version, range), expected, `${version} in ${range}`);
  assert.equal(lowestVersions('>=20.9'), ['20.9.0']);
  assert.equal(lowestVersions('^20.9 || ^22.11'), ['20.9.0', '22.11.0']);
});

test('a package asking for a newer Node than the project allows is caught', () => {
  const lock = { packages: { '': { engines: { node: '>=20.9' } }, 'node_modules/amaro': { version: '1.2.1', engines: { node: '>=22' } }, 'node_modules/old': { version: '1.0.0', engines: ['node >= 0.4'] } } };
  assert.equal(engineMismatches({ engines: { node: '>=20.9' } }, lock), [{ packagePath: 'node_modules/amaro', version: '1.2.1', requires: '>=22', node: '20.9.0' }]);
  assert.equal(engineMismatches({ engines: { node: '>=22' } }, lock), []);
});

test('every package in package-lock.json accepts the lowest Node package.json allows, and the Node running here (no EBADENGINE)', () => {
  const { packageJson, lock } = readProject(repoRoot);
  const mismatches = engineMismatches(packageJson, lock, [process.versions.node]);
  assert.equal(mismatches.map((m) => `${m.packagePath}@${m.version} wants ${m.requires}, not ${m.node}`), []);
});

test.run();
