import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Code that runs in XS on the press (src/, hal/) and in the app on Moddable's runtime (the
// host-sim modules the manifest lists) uses no regular expression: XS in Moddable SDK 8.2.3
// keeps a ROM regexp's match data in the C heap while its collector treats it as a chunk, so a
// collection during a match corrupts the heap (src/text/chars.ts says where).

const root = path.resolve(import.meta.dirname, '../..');

function modulesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...modulesUnder(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/** The host-sim modules the Moddable manifest builds into the app. */
function manifestHostModules(): string[] {
  const manifest = readFileSync(path.join(root, 'manifest.json'), 'utf8');
  const names = new Set<string>();
  for (const match of manifest.matchAll(/"(host-sim\/[^"*]+)"/g)) names.add(match[1]);
  return [...names].map((name) => path.join(root, `${name}.ts`)).filter((file) => existsSync(file));
}

/** Every regular-expression literal and every use of the name RegExp in a module, as "line: text". */
export function regexpUses(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: string[] = [];
  const visit = (node: ts.Node): void => {
    const isLiteral = node.kind === ts.SyntaxKind.RegularExpressionLiteral;
    const isName = ts.isIdentifier(node) && node.text === 'RegExp';
    if (isLiteral || isName) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      uses.push(`${line}: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

test('the scanner finds a regexp literal and a RegExp, and nothing in comments or strings', () => {
  const text = "// /a+/ in a comment\nconst s = '/b+/';\nconst r = /c+/g;\nconst n = new RegExp('d');\n";
  assert.equal(regexpUses('sample.ts', text), ['3: /c+/g', '4: RegExp']);
});

test('no regular expression in the code that runs in XS on the press or on Moddable\'s runtime', () => {
  const files = [...modulesUnder(path.join(root, 'src')), ...modulesUnder(path.join(root, 'hal')), ...manifestHostModules()];
  assert.ok(files.length > 100, `${files.length} modules scanned`);
  const found: string[] = [];
  for (const file of files) for (const use of regexpUses(file, readFileSync(file, 'utf8'))) found.push(`${path.relative(root, file)}:${use}`);
  assert.equal(found, []);
});

test.run();
