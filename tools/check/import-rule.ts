// The import rules that keep the layers apart, used by tests/architecture/import-rule.test.ts:
// - src/ may import only relative paths that stay inside src/ or reach the HAL interfaces in
//   hal/*.ts (never hal/esp32, never host-sim), and nothing from Node or Moddable;
// - hal/*.ts (the interfaces) may import only each other;
// - hal/esp32/ (the board drivers) may import Moddable modules and hal/, nothing of src/ or
//   host-sim: the firmware reaches the board only through the Board handed to it at start-up,
//   and a driver never reaches into the firmware.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface ImportViolation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

const SPECIFIER_PATTERNS = [
  /\bimport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

const MODDABLE_PREFIXES = ['embedded:', 'mc/', 'pins/', 'commodetto/', 'piu/'];
const MODDABLE_MODULES = ['timer', 'time', 'preference', 'flash', 'debug', 'instrumentation', 'Resource', 'files', 'wifi', 'net', 'ble', 'modules', 'worker', 'resetReason'];

function listScripts(dir: string, recursive: boolean): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (recursive) files.push(...listScripts(full, true));
    } else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

interface Rule {
  /** Folders a relative import may reach (recursively). */
  allowedRoots: string[];
  /** Moddable's own modules (timer, embedded:io/…) may be imported. */
  moddable: boolean;
  /** Extra check of a relative target inside the allowed roots: a reason, or null. */
  target?: (target: string) => string | null;
}

function within(target: string, root: string): boolean {
  return target === root || target.startsWith(root + path.sep);
}

function classify(specifier: string, file: string, rule: Rule): string | null {
  if (specifier.startsWith('node:')) return 'Node built-in';
  const bare = specifier.split('/')[0];
  if (builtinModules.includes(specifier) || builtinModules.includes(bare)) return 'Node built-in';
  const moddable = MODDABLE_PREFIXES.some((prefix) => specifier.startsWith(prefix)) || MODDABLE_MODULES.includes(specifier);
  if (moddable) return rule.moddable ? null : 'Moddable module';
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return 'package import (only the project\'s own modules may be imported)';
  const target = path.resolve(path.dirname(file), specifier);
  if (!rule.allowedRoots.some((root) => within(target, root))) {
    return `reaches outside ${rule.allowedRoots.map((r) => path.basename(r) + '/').join(' and ')}`;
  }
  return rule.target === undefined ? null : rule.target(target);
}

function scan(files: readonly string[], rule: Rule): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of SPECIFIER_PATTERNS) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const specifier = match[1];
        const reason = classify(specifier, file, rule);
        if (reason !== null) {
          const line = text.slice(0, match.index).split('\n').length;
          violations.push({ file, line, specifier, reason });
        }
      }
    }
  }
  return violations;
}

/**
 * Scans every module under `srcDir`. `halDir` is the folder of HAL interfaces src/ may use
 * (its subfolders, the board implementations, are off limits).
 */
export function findForbiddenImports(srcDir: string, halDir: string): ImportViolation[] {
  const src = path.resolve(srcDir);
  const hal = path.resolve(halDir);
  return scan(listScripts(src, true), {
    allowedRoots: [src, hal],
    moddable: false,
    target: (target) => (within(target, hal) && path.dirname(target) !== hal ? 'reaches a board implementation under hal/ (only the interfaces in hal/*.ts)' : null),
  });
}

/**
 * Scans hal/: the interfaces (hal/*.ts) may import only each other; every board folder under
 * hal/ (hal/esp32) may import Moddable modules and hal/, and nothing of src/ or host-sim.
 */
export function findForbiddenHalImports(halDir: string): ImportViolation[] {
  const hal = path.resolve(halDir);
  const interfaces = scan(listScripts(hal, false), {
    allowedRoots: [hal],
    moddable: false,
    target: (target) => (path.dirname(target) !== hal ? 'an interface reaches a board implementation (hal/*.ts may import only hal/*.ts)' : null),
  });
  const boards = readdirSync(hal)
    .map((entry) => path.join(hal, entry))
    .filter((full) => statSync(full).isDirectory());
  const drivers = boards.flatMap((board) => scan(listScripts(board, true), { allowedRoots: [hal], moddable: true }));
  return [...interfaces, ...drivers];
}
