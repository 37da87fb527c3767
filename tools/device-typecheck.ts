// Type-checks the modules mcconfig compiles (every .ts module manifest.json maps, for every
// platform) the way mcconfig does: each file as the root of its own program, module
// "preserve", target and lib es2025, no Node types; against this repo's typings of the
// Moddable modules (typings/moddable). Strict, isolatedModules and verbatimModuleSyntax as the
// manifest's typescript section sets them. Run by `npm test` (stage "typecheck device").
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { PLATFORMS, resolveBuild } from './moddable-manifest';

export const DEVICE_COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2025,
  lib: ['lib.es2025.d.ts'],
  types: [],
  strict: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  forceConsistentCasingInFileNames: true,
  resolveJsonModule: true,
  noEmit: true,
  noUnusedLocals: true,
  noFallthroughCasesInSwitch: true,
  noImplicitOverride: true,
};

export function typingFiles(root: string): string[] {
  const dir = path.join(root, 'typings', 'moddable');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.d.ts'))
    .map((name) => path.join(dir, name));
}

/** The .ts modules mcconfig would compile for any platform. */
export function deviceModules(root: string): string[] {
  const files = new Set<string>();
  for (const platform of PLATFORMS) {
    for (const module of resolveBuild(root, platform).modules.values()) {
      if (module.script !== null && module.script.endsWith('.ts')) files.add(module.script);
    }
  }
  return [...files].sort();
}

/**
 * Checks each file as its own program (with the typings), reporting that file's
 * diagnostics. Parsed source files are shared between the programs, so each file is parsed
 * once however many programs import it.
 */
export function checkFilesOnTheirOwn(files: readonly string[], typings: readonly string[], options: ts.CompilerOptions = DEVICE_COMPILER_OPTIONS): string[] {
  const host = ts.createCompilerHost(options, true);
  const cache = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = `${fileName}|${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`;
    if (!cache.has(key)) cache.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return cache.get(key);
  };
  const problems: string[] = [];
  const format = (d: ts.Diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
  };
  let oldProgram: ts.Program | undefined;
  for (const file of files) {
    const program = ts.createProgram({ rootNames: [file, ...typings], options, host, oldProgram });
    oldProgram = program;
    const source = program.getSourceFile(file);
    if (source === undefined) {
      problems.push(`${file}: not found`);
      continue;
    }
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const d of diagnostics) problems.push(format(d));
  }
  return [...new Set(problems)];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const started = Date.now();
  const files = deviceModules(root);
  const problems = checkFilesOnTheirOwn(files, typingFiles(root));
  for (const problem of problems) console.log(path.isAbsolute(problem) ? path.relative(root, problem) : problem);
  console.log(`device typecheck: ${files.length} modules, each on its own, ${problems.length} problems (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
