// Import cycles among the modules of a folder, used by tests/architecture/import-cycles.test.ts.
// A cycle of value imports is a run-time cycle: which module of it is evaluated first decides
// what the others see. A cycle that passes through an `import type` is erased from the emitted
// code (verbatimModuleSyntax), so it is no run-time cycle, but it still ties each module to the
// other's shape. The graph keeps the kind of every edge so that both can be asked for.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { moduleImports } from '../build/moddable-manifest';

export interface ImportEdge {
  to: string;
  /** Every import of `to` by this module is `import type` / `export type`. */
  typeOnly: boolean;
}

/** Module → the modules it imports, by path relative to the root given to importGraph. */
export type ImportGraph = Map<string, ImportEdge[]>;

function listModules(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listModules(full));
    else if (/\.(ts|mts)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

function resolveModule(from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.mts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * The static imports and re-exports among the modules under `folder` (a path relative to
 * `root`); imports that leave the folder are left out, since a cycle needs a way back in.
 */
export function importGraph(root: string, folder: string): ImportGraph {
  const top = path.resolve(root, folder);
  const graph: ImportGraph = new Map();
  for (const file of listModules(top)) {
    const edges = new Map<string, boolean>();
    for (const ref of moduleImports(file)) {
      const target = resolveModule(file, ref.specifier);
      if (target === null || !(target === top || target.startsWith(top + path.sep))) continue;
      const name = path.relative(root, target).split(path.sep).join('/');
      // A module imported both as types and as values is a value import.
      edges.set(name, (edges.get(name) ?? true) && ref.typeOnly);
    }
    const from = path.relative(root, file).split(path.sep).join('/');
    graph.set(from, [...edges].sort(([a], [b]) => (a < b ? -1 : 1)).map(([to, typeOnly]) => ({ to, typeOnly })));
  }
  return graph;
}

/**
 * One cycle for every group of mutually reachable modules (strongly connected component),
 * as a path that starts and ends at the group's first module by name: [a, b, …, a]. With
 * `valueOnly`, type-only edges are left out, so only run-time cycles are found.
 */
export function findCycles(graph: ImportGraph, options: { valueOnly: boolean }): string[][] {
  const successors = (node: string): string[] =>
    (graph.get(node) ?? []).filter((edge) => !(options.valueOnly && edge.typeOnly) && graph.has(edge.to)).map((edge) => edge.to);
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of successors(node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0];
    const selfLoop = successors(start).includes(start);
    if (component.length === 1 && !selfLoop) continue;
    if (selfLoop) {
      cycles.push([start, start]);
      continue;
    }
    // The shortest way back to the start inside the component (breadth first).
    const cameFrom = new Map<string, string>();
    const queue = [start];
    let last: string | null = null;
    while (queue.length > 0 && last === null) {
      const node = queue.shift() as string;
      for (const next of successors(node)) {
        if (!members.has(next)) continue;
        if (next === start) {
          last = node;
          break;
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, node);
          queue.push(next);
        }
      }
    }
    const between: string[] = [];
    for (let node = last as string; node !== start; node = cameFrom.get(node) as string) between.unshift(node);
    cycles.push([start, ...between, start]);
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** "a → b ⇢ a", with ⇢ for an edge made only of `import type`. */
export function formatCycle(graph: ImportGraph, cycle: readonly string[]): string {
  let text = cycle[0];
  for (let i = 1; i < cycle.length; i++) {
    const edge = (graph.get(cycle[i - 1]) ?? []).find((e) => e.to === cycle[i]);
    text += `${edge?.typeOnly === true ? ' ⇢ ' : ' → '}${cycle[i]}`;
  }
  return text;
}
