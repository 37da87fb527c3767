import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImportGraph } from '../../tools/check/import-cycles';
import { findCycles, formatCycle, importGraph } from '../../tools/check/import-cycles';

const root = path.resolve(import.meta.dirname, '../..');

const cyclesIn = (folder: string, valueOnly: boolean): string[] => {
  const graph = importGraph(root, folder);
  assert.ok(graph.size > 10, `${folder}: ${graph.size} modules found`);
  return findCycles(graph, { valueOnly }).map((cycle) => formatCycle(graph, cycle));
};

test('no run-time import cycle in src/ or hal/ (value imports; `import type` is erased from the emitted code)', () => {
  for (const folder of ['src', 'hal']) assert.equal(cyclesIn(folder, true), [], `${folder}: run-time import cycles (→ value import)`);
});

test('no import cycle in src/ or hal/ counting `import type` (a type-only way back still ties the modules together)', () => {
  for (const folder of ['src', 'hal']) assert.equal(cyclesIn(folder, false), [], `${folder}: import cycles (→ value import, ⇢ import type only)`);
});

// The cycle finder on small graphs of its own.
const graphOf = (edges: Record<string, [string, 'value' | 'type'][]>): ImportGraph =>
  new Map(Object.entries(edges).map(([from, to]) => [from, to.map(([target, kind]) => ({ to: target, typeOnly: kind === 'type' }))]));

test('cycle finder: finds a three-module cycle, a self-import and a cycle closed by a type import', () => {
  const graph = graphOf({
    a: [['b', 'value']],
    b: [['c', 'value'], ['d', 'value']],
    c: [['a', 'value']],
    d: [['e', 'value']],
    e: [['d', 'type']],
    f: [['f', 'value']],
  });
  assert.equal(findCycles(graph, { valueOnly: false }).map((c) => formatCycle(graph, c)), ['a → b → c → a', 'd → e ⇢ d', 'f → f']);
  assert.equal(findCycles(graph, { valueOnly: true }).map((c) => formatCycle(graph, c)), ['a → b → c → a', 'f → f']);
});

test('cycle finder: no cycle in a graph without one (diamonds, shared leaves, edges to unknown modules)', () => {
  const graph = graphOf({
    a: [['b', 'value'], ['c', 'type']],
    b: [['d', 'value'], ['outside', 'value']],
    c: [['d', 'value']],
    d: [],
    e: [['a', 'value'], ['d', 'type']],
  });
  assert.equal(findCycles(graph, { valueOnly: false }), []);
  assert.equal(findCycles(graph, { valueOnly: true }), []);
});

test('cycle finder: the cycle reported is the shortest way back to the first module of the group', () => {
  const graph = graphOf({ a: [['b', 'value'], ['x', 'value']], b: [['c', 'value']], c: [['a', 'value']], x: [['a', 'value']] });
  assert.equal(findCycles(graph, { valueOnly: true }), [['a', 'x', 'a']]);
});

test('import graph: resolves relative imports and re-exports inside the folder; types and values to one module make a value edge', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-cycles-'));
  try {
    mkdirSync(path.join(dir, 'pkg', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'pkg', 'a.ts'), "import type { B } from './sub/b';\nimport { c } from './c';\nexport const a = c;\n");
    writeFileSync(path.join(dir, 'pkg', 'sub', 'b.ts'), "import { a } from '../a';\nimport type { A } from '../a';\nexport type B = typeof a;\n");
    writeFileSync(path.join(dir, 'pkg', 'c.ts'), "export { x } from '../outside';\nexport type { B } from './sub/b';\nexport const c = 1;\n");
    const graph = importGraph(dir, 'pkg');
    assert.equal(graph.get('pkg/a.ts'), [{ to: 'pkg/c.ts', typeOnly: false }, { to: 'pkg/sub/b.ts', typeOnly: true }]);
    assert.equal(graph.get('pkg/sub/b.ts'), [{ to: 'pkg/a.ts', typeOnly: false }]);
    assert.equal(graph.get('pkg/c.ts'), [{ to: 'pkg/sub/b.ts', typeOnly: true }]);
    assert.equal(findCycles(graph, { valueOnly: true }), []);
    assert.equal(findCycles(graph, { valueOnly: false }).map((c) => formatCycle(graph, c)), ['pkg/a.ts ⇢ pkg/sub/b.ts → pkg/a.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
