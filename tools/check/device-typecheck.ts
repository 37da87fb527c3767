// Type-checks the modules mcconfig compiles (every .ts module the manifests map, for every
// platform) the way mcconfig does: each file as the root of its own program, module
// "preserve", target and lib es2025, no Node types; strict, isolatedModules and
// verbatimModuleSyntax as the manifest's typescript section sets them.
//
// Always (CI has no SDK): against our declarations of the Moddable modules (typings/moddable),
// plus the declarations the manifests name in their typescript blocks for each platform (what
// the SDK has no typing for, typings/sdk-extra). When $MODDABLE is set, also against the
// SDK's own declarations with tsc configured by mcconfig itself, and compares ours with the
// SDK's (tools/check/sdk-typings.ts): ours must never accept what the SDK's reject. Run by `npm test`
// (stage "typecheck device") and `npm run typecheck:device`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { PLATFORMS, matchPlatform, resolveBuild } from '../build/moddable-manifest';
import { compareWithSdk, mcconfigTypeScript } from './sdk-typings';
import type { Comparison } from './sdk-typings';

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

/** Our declarations of the SDK's modules and globals: they stand in for the SDK's. */
export function typingFiles(root: string): string[] {
  const dir = path.join(root, 'typings', 'moddable');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.d.ts'))
    .map((name) => path.join(dir, name));
}

/** Our declarations of what the SDK lacks (only visible to mcconfig when a manifest names them). */
export function extraTypingFiles(root: string): string[] {
  const dir = path.join(root, 'typings', 'sdk-extra');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.d.ts'))
    .map((name) => path.join(dir, name));
}

type Json = Record<string, any>;

/**
 * The declaration files this repository's manifests add for `platform` through
 * typescript.tsconfig.compilerOptions.types, resolved as mcconfig resolves them: relative to
 * the manifest that names them. The SDK's own entries ($(MODDABLE)/…) are left out.
 */
export function manifestTypings(root: string, platform: string, manifestFile = path.join(root, 'manifest.json')): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const dir = path.dirname(file);
    const platformPart = manifest.platforms === undefined ? undefined : (matchPlatform(manifest.platforms as Json, platform) as Json | undefined);
    for (const part of platformPart === undefined ? [manifest] : [manifest, platformPart]) {
      for (const entry of (part.typescript?.tsconfig?.compilerOptions?.types ?? []) as string[]) {
        if (entry.startsWith('$(')) continue;
        const resolved = path.resolve(dir, entry);
        found.push(resolved.endsWith('.d.ts') ? resolved : `${resolved}.d.ts`);
      }
      const includes = part.include === undefined ? [] : Array.isArray(part.include) ? part.include : [part.include];
      for (const include of includes as string[]) if (!include.startsWith('$(')) visit(path.resolve(dir, include));
    }
  };
  visit(manifestFile);
  return [...new Set(found)].sort();
}

/** The .ts modules mcconfig would compile for any platform. */
export function deviceModules(root: string): string[] {
  return [...new Set(PLATFORMS.flatMap((platform) => platformModules(root, platform)))].sort();
}

function platformModules(root: string, platform: string): string[] {
  const files: string[] = [];
  for (const module of resolveBuild(root, platform).modules.values()) {
    if (module.script !== null && module.script.endsWith('.ts')) files.push(module.script);
  }
  return files;
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

export interface CheckRun {
  platforms: string[];
  files: string[];
  /** Declaration files or `types` entries the run used. */
  typings: string[];
}

export interface CheckResult {
  runs: CheckRun[];
  /** Distinct modules checked. */
  modules: number;
  problems: string[];
}

/** Every device module of every platform against typings/moddable and what the platform's manifests name. */
export function checkWithOurTypings(root: string): CheckResult {
  const groups = new Map<string, CheckRun>();
  for (const platform of PLATFORMS) {
    const typings = [...typingFiles(root), ...manifestTypings(root, platform)];
    const key = typings.join('\n');
    const run = groups.get(key) ?? { platforms: [], files: [], typings };
    run.platforms.push(platform);
    run.files = [...new Set([...run.files, ...platformModules(root, platform)])].sort();
    groups.set(key, run);
  }
  const runs = [...groups.values()];
  const problems = runs.flatMap((run) => checkFilesOnTheirOwn(run.files, run.typings));
  return { runs, modules: new Set(runs.flatMap((r) => r.files)).size, problems: [...new Set(problems)] };
}

export interface SdkResult extends CheckResult {
  comparison: Comparison;
  /** For each module our typings declare: the file mcconfig's `paths` maps it to. */
  paths: Record<string, string>;
}

/**
 * Every device module against the SDK's declarations, with the options of the per-file
 * tsconfig files mcconfig writes for each platform; then ours compared with the SDK's, in a
 * program configured like the first platform's.
 */
export function checkWithSdk(root: string, moddable: string): SdkResult {
  const groups = new Map<string, CheckRun & { options: ts.CompilerOptions }>();
  for (const platform of PLATFORMS) {
    for (const { options, files } of mcconfigTypeScript(root, platform, moddable)) {
      // pathsBasePath is mcconfig's temporary output directory; every path mapped is absolute.
      const { pathsBasePath: _, ...rest } = options;
      const key = JSON.stringify(rest);
      const run = groups.get(key) ?? { platforms: [], files: [], typings: options.types ?? [], options };
      if (!run.platforms.includes(platform)) run.platforms.push(platform);
      run.files = [...new Set([...run.files, ...files])].sort();
      groups.set(key, run);
    }
  }
  const runs = [...groups.values()];
  if (runs.length === 0) throw new Error('mcconfig wrote no tsconfig files');
  const problems = runs.flatMap((run) => checkFilesOnTheirOwn(run.files, [], run.options));
  const base = runs[0]!.options;
  const comparison = compareWithSdk(typingFiles(root), extraTypingFiles(root), base, moddable);
  const paths: Record<string, string> = {};
  const declared = comparison.compared.filter((c) => c.startsWith('module ')).map((c) => c.slice('module '.length));
  for (const name of declared) paths[name] = base.paths?.[name]?.[0] ?? '(not mapped)';
  return { runs: runs.map(({ options: _, ...run }) => run), modules: new Set(runs.flatMap((r) => r.files)).size, problems: [...new Set(problems)], comparison, paths };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const rel = (p: string) => (path.isAbsolute(p) && p.startsWith(root) ? path.relative(root, p) : p);
  const show = (problem: string) => console.log(problem.startsWith(root) ? path.relative(root, problem) : problem);
  let failed = false;

  let started = Date.now();
  const ours = checkWithOurTypings(root);
  console.log(`our typings: ${typingFiles(root).map(rel).join(', ')}`);
  for (const run of ours.runs) {
    const extra = run.typings.filter((t) => !typingFiles(root).includes(t));
    console.log(`  ${run.platforms.join(', ')}: ${run.files.length} modules; from the manifests' typescript blocks: ${extra.length === 0 ? 'none' : extra.map(rel).join(', ')}`);
  }
  ours.problems.forEach(show);
  console.log(`device typecheck (our typings): ${ours.modules} modules, each on its own, ${ours.problems.length} problems (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  failed ||= ours.problems.length > 0;

  const moddable = process.env.MODDABLE;
  if (moddable === undefined || moddable === '') {
    console.log('SDK typings: SKIPPED, not passed: $MODDABLE is not set (no Moddable SDK here), so the device modules were not type-checked against the SDK\'s declarations and ours were not compared with them');
  } else {
    started = Date.now();
    try {
      const sdk = checkWithSdk(root, moddable);
      console.log(`SDK typings: ${moddable}, tsc configured by mcconfig (mcconfig -p <platform>, nothing built)`);
      for (const run of sdk.runs) console.log(`  ${run.platforms.join(', ')}: ${run.files.length} modules; types: ${run.typings.map(rel).join(', ')}`);
      console.log(`  paths: ${Object.entries(sdk.paths).map(([name, file]) => `${name} -> ${file.replace(moddable, '$MODDABLE')}`).join(', ')}`);
      sdk.problems.forEach(show);
      console.log(`device typecheck (SDK typings): ${sdk.modules} modules, each on its own, ${sdk.problems.length} problems`);
      const { compared, differences, notInSdk } = sdk.comparison;
      differences.forEach((d) => console.log(d));
      console.log(`typings comparison (ours never wider than the SDK's): ${compared.length} declarations compared, ${differences.length} differences; not in the SDK: ${notInSdk.join(', ') || 'none'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      failed ||= sdk.problems.length > 0 || differences.length > 0;
    } catch (error) {
      console.log(`SDK typings: FAILED to run: ${error instanceof Error ? error.message : String(error)}`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}
