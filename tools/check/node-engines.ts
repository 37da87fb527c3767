// Checks the Node versions the project allows (package.json engines.node) against what every
// installed package asks for (engines.node in package-lock.json), so that `npm ci` on a
// supported Node prints no EBADENGINE warning. A small reading of npm's range syntax, enough
// for the ranges packages write for Node: `>=20`, `^20.9 || ^22.11`, `~1.2`, `1.x`, `*`, `a - b`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Version = [number, number, number];

interface Comparator {
  op: '>=' | '>' | '<=' | '<' | '=';
  version: Version;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** A version with any parts missing or `x`: the parts given, and how many. */
function partial(text: string): { version: Version; parts: number } {
  const fields = text.replace(/^v/, '').split('-')[0].split('.');
  const version: Version = [0, 0, 0];
  let parts = 0;
  for (let i = 0; i < 3 && i < fields.length; i++) {
    if (fields[i] === 'x' || fields[i] === 'X' || fields[i] === '*' || fields[i] === '') break;
    const n = Number(fields[i]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`cannot read version ${JSON.stringify(text)}`);
    version[i] = n;
    parts++;
  }
  return { version, parts };
}

/** The version after the last part given: 20.9 → 20.10.0, 20 → 21.0.0. */
function bump(version: Version, parts: number): Version {
  if (parts === 1) return [version[0] + 1, 0, 0];
  if (parts === 2) return [version[0], version[1] + 1, 0];
  return [version[0], version[1], version[2] + 1];
}

function comparators(term: string): Comparator[] {
  if (term === '' || term === '*' || term === 'x') return [{ op: '>=', version: [0, 0, 0] }];
  const op = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(term)!;
  const { version, parts } = partial(op[2]);
  switch (op[1]) {
    case '^': {
      const upper: Version = version[0] > 0 || parts === 1 ? [version[0] + 1, 0, 0] : version[1] > 0 || parts === 2 ? [0, version[1] + 1, 0] : [0, 0, version[2] + 1];
      return [{ op: '>=', version }, { op: '<', version: upper }];
    }
    case '~':
      return [{ op: '>=', version }, { op: '<', version: bump(version, Math.min(parts, 2)) }];
    case '>=':
      return [{ op: '>=', version }];
    case '>':
      return parts === 3 ? [{ op: '>', version }] : [{ op: '>=', version: bump(version, parts) }];
    case '<':
      return [{ op: '<', version }];
    case '<=':
      return parts === 3 ? [{ op: '<=', version }] : [{ op: '<', version: bump(version, parts) }];
    default:
      if (parts === 0) return [{ op: '>=', version: [0, 0, 0] }];
      return parts === 3 ? [{ op: '=', version }] : [{ op: '>=', version }, { op: '<', version: bump(version, parts) }];
  }
}

/** A range as npm reads it: sets joined by `||`, each a list of comparators that all hold. */
export function parseRange(range: string): Comparator[][] {
  return range.split('||').map((set) => {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(set);
    if (hyphen) return [...comparators(`>=${hyphen[1]}`), ...comparators(`<=${hyphen[2]}`)];
    // `>= 20` is one comparator: join an operator to the version after it.
    const terms = set.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    return terms.flatMap(comparators);
  });
}

function holds(c: Comparator, v: Version): boolean {
  const order = compare(v, c.version);
  if (c.op === '>=') return order >= 0;
  if (c.op === '>') return order > 0;
  if (c.op === '<=') return order <= 0;
  if (c.op === '<') return order < 0;
  return order === 0;
}

export function satisfies(version: string, range: string): boolean {
  const v = partial(version).version;
  return parseRange(range).some((set) => set.every((c) => holds(c, v)));
}

/** The lowest version each set of a range allows (`>=20` → 20.0.0; `^20.9 || ^22.11` → 20.9.0 and 22.11.0). */
export function lowestVersions(range: string): string[] {
  return parseRange(range).map((set) => {
    let lowest: Version = [0, 0, 0];
    for (const c of set) if ((c.op === '>=' || c.op === '=') && compare(c.version, lowest) > 0) lowest = c.version;
    return lowest.join('.');
  });
}

export interface EngineMismatch {
  /** Where in the lock, e.g. `node_modules/amaro`. */
  packagePath: string;
  version: string;
  requires: string;
  /** The Node version that does not satisfy it. */
  node: string;
}

/**
 * Packages of the lock whose engines.node a Node version would not satisfy: each lowest
 * version the project's range allows, and any further versions given (the Node running).
 */
export function engineMismatches(packageJson: { engines?: { node?: string } }, lock: { packages: Record<string, { version?: string; engines?: unknown }> }, alsoNode: string[] = []): EngineMismatch[] {
  const projectRange = packageJson.engines?.node;
  if (projectRange === undefined) throw new Error('package.json names no engines.node');
  const nodes = [...lowestVersions(projectRange), ...alsoNode.filter((v) => satisfies(v, projectRange))];
  const mismatches: EngineMismatch[] = [];
  for (const [packagePath, entry] of Object.entries(lock.packages)) {
    if (packagePath === '') continue;
    const engines = entry.engines;
    // Old packages sometimes give engines as an array of strings; npm ignores those.
    const requires = engines !== null && typeof engines === 'object' && !Array.isArray(engines) ? (engines as { node?: unknown }).node : undefined;
    if (typeof requires !== 'string') continue;
    for (const node of nodes) {
      if (!satisfies(node, requires)) mismatches.push({ packagePath, version: entry.version ?? '?', requires, node });
    }
  }
  return mismatches;
}

export function readProject(root: string): { packageJson: { engines?: { node?: string } }; lock: { packages: Record<string, { version?: string; engines?: unknown }> } } {
  return {
    packageJson: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')),
    lock: JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')),
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const { packageJson, lock } = readProject(root);
  const mismatches = engineMismatches(packageJson, lock, [process.versions.node]);
  for (const m of mismatches) console.error(`${m.packagePath}@${m.version} requires Node ${m.requires}; Node ${m.node} (allowed by package.json engines.node ${packageJson.engines?.node}) does not satisfy it`);
  if (mismatches.length > 0) process.exit(1);
  console.log(`node engines: every package in package-lock.json accepts Node ${lowestVersions(packageJson.engines!.node!).join(', ')} and ${process.versions.node}`);
}
