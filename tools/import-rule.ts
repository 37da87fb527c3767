// The portability rule of src/: it may import only relative paths that stay inside src/ or
// reach the HAL interfaces in hal/ (never hal/esp32, never host-sim), and nothing from Node
// or Moddable. Used by tests/import-rule.test.ts.
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
const MODDABLE_MODULES = ['timer', 'time', 'preference', 'flash', 'debug', 'instrumentation', 'Resource', 'files', 'wifi', 'net', 'ble', 'modules', 'worker'];

function listTsFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listTsFiles(full));
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) files.push(full);
  }
  return files;
}

function classify(specifier: string, file: string, allowedRoots: string[]): string | null {
  if (specifier.startsWith('node:')) return 'Node built-in';
  const bare = specifier.split('/')[0];
  if (builtinModules.includes(specifier) || builtinModules.includes(bare)) return 'Node built-in';
  if (MODDABLE_PREFIXES.some((prefix) => specifier.startsWith(prefix)) || MODDABLE_MODULES.includes(specifier)) return 'Moddable module';
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return 'package import (src/ may import only its own modules and the HAL interfaces)';
  const target = path.resolve(path.dirname(file), specifier);
  if (!allowedRoots.some((root) => target === root || target.startsWith(root + path.sep))) {
    return `reaches outside ${allowedRoots.map((r) => path.basename(r) + '/').join(' and ')}`;
  }
  return null;
}

/**
 * Scans every module under `srcDir`. `halDir` is the folder of HAL interfaces src/ may use
 * (its subfolders, the board implementations, are off limits).
 */
export function findForbiddenImports(srcDir: string, halDir: string): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const file of listTsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of SPECIFIER_PATTERNS) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const specifier = match[1];
        let reason = classify(specifier, file, [path.resolve(srcDir), path.resolve(halDir)]);
        if (reason === null) {
          const target = path.resolve(path.dirname(file), specifier);
          if (target.startsWith(path.resolve(halDir) + path.sep) && path.dirname(target) !== path.resolve(halDir)) {
            reason = 'reaches a board implementation under hal/ (only the interfaces in hal/*.ts)';
          }
        }
        if (reason !== null) {
          const line = text.slice(0, match.index).split('\n').length;
          violations.push({ file, line, specifier, reason });
        }
      }
    }
  }
  return violations;
}
