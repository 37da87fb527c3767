// Where and how a benchmark's figures are kept: bench/results/<name>.json, committed. Each file
// holds the figures the docs quote and when and where they were measured; bench/docs-tables.ts
// writes the tables of docs/benchmarks.md from these files and nothing else.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(repoRoot, 'bench', 'results');

export interface MeasuredOn {
  /** ISO 8601, UTC, when the run ended. */
  date: string;
  node: string;
  /** `git rev-parse --short HEAD`; `dirty` when the work tree had uncommitted changes (results files aside). */
  commit: string;
  dirty: boolean;
  cores: number;
  cpu: string;
  platform: string;
}

export interface BenchResults<F = unknown> {
  bench: string;
  /** The command that writes this file. */
  command: string;
  measured: MeasuredOn;
  figures: F;
}

function git(...args: string[]): string {
  const run = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : '';
}

export function measuredOn(): MeasuredOn {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results') !== '',
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export const resultsPath = (name: string) => path.join(RESULTS_DIR, `${name}.json`);

// NaN and ±Infinity (a hold that never settled) are kept as strings: JSON has no such numbers.
const encode = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);
const decode = (_key: string, value: unknown) => (value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value);

/** Writes bench/results/<name>.json and returns its path relative to the repository. */
export function writeResults<F>(name: string, command: string, figures: F): string {
  const results: BenchResults<F> = { bench: name, command, measured: measuredOn(), figures };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(resultsPath(name), JSON.stringify(results, encode, 1) + '\n');
  const relative = path.relative(repoRoot, resultsPath(name));
  console.log(`${name}: wrote ${relative}`);
  return relative;
}

export function readResults<F>(name: string): BenchResults<F> {
  return JSON.parse(readFileSync(resultsPath(name), 'utf8'), decode) as BenchResults<F>;
}
