// The module and preload lists of manifest.json, generated from the import graph.
//
// mcconfig matches a wildcard preload ("src/*") only against .js modules, so with TypeScript
// nothing it names is preloaded and every module loads into RAM at run time. The lists are
// therefore explicit: every module an entry point reaches at run time (type-only imports are
// erased and do not count), named by its repository path so that relative imports resolve
// the same for XS (by module name) and TypeScript (by file), and all of them preloaded but the
// entry module, which must run on the device, not at build time.
//
//   npm run manifest          rewrites the lists in manifest.json
//   npm run manifest -- --check   exits 1 when they differ from the import graph
//
// Only the "modules" and "preload" keys of manifest.json (top level and each platform) belong
// to this tool; everything else in the file is written by hand. The lists shared by every
// platform go at the top level, the rest under the platform.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS, matchPlatform, moduleImports, resolveSpecifier } from './moddable-manifest';

type Json = Record<string, unknown>;

export interface ModuleGraph {
  platform: string;
  main: string;
  /** Project modules reached from main at run time: specifier → repository-relative path without extension. */
  modules: Map<string, string>;
  /** Specifiers imported that are not project modules (the SDK's). */
  external: Set<string>;
  errors: string[];
}

const SCRIPT_EXTENSIONS = ['.ts', '.js'];

function scriptFile(root: string, specifier: string): string | null {
  for (const ext of SCRIPT_EXTENSIONS) {
    const file = path.join(root, specifier + ext);
    if (existsSync(file)) return file;
  }
  return null;
}

/** The entry module of a platform, as the manifest's creation.main sets it ("main" by default, as in Moddable's manifest_base). */
export function entryModule(manifest: Json, platform: string): string {
  const platformPart = matchPlatform((manifest.platforms ?? {}) as Json, platform) as Json | undefined;
  const main = ((platformPart?.creation as Json | undefined)?.main ?? (manifest.creation as Json | undefined)?.main ?? 'main') as string;
  return main;
}

/** Walks the run-time imports from the platform's entry module. */
export function moduleGraph(root: string, platform: string, manifest: Json = readManifest(root)): ModuleGraph {
  const main = entryModule(manifest, platform);
  const graph: ModuleGraph = { platform, main, modules: new Map(), external: new Set(), errors: [] };
  const queue = [main];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const file = scriptFile(root, name);
    if (file === null) {
      graph.errors.push(`${platform}: module ${name} has no ${name}.ts or ${name}.js`);
      continue;
    }
    graph.modules.set(name, name);
    for (const ref of moduleImports(file)) {
      if (ref.typeOnly) continue;
      if (!ref.specifier.startsWith('./') && !ref.specifier.startsWith('../')) {
        graph.external.add(ref.specifier);
        continue;
      }
      const target = resolveSpecifier(name, ref.specifier);
      if (target.startsWith('<outside>')) {
        graph.errors.push(`${platform}: ${name} imports ${ref.specifier}, outside the repository`);
        continue;
      }
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return graph;
}

export interface PlatformLists {
  modules: Record<string, string>;
  preload: string[];
}

export interface ManifestLists {
  common: PlatformLists;
  platforms: Record<string, PlatformLists>;
  errors: string[];
}

function sortedRecord(names: Iterable<string>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const name of [...names].sort()) record[name] = `./${name}`;
  return record;
}

/** The lists for every platform: what all platforms share at the top level, the rest per platform. */
export function manifestLists(root: string, manifest: Json = readManifest(root)): ManifestLists {
  const graphs = PLATFORMS.map((platform) => moduleGraph(root, platform, manifest));
  const errors = graphs.flatMap((g) => g.errors);
  const shared = [...graphs[0].modules.keys()].filter((name) => graphs.every((g) => g.modules.has(name)));
  const preloadable = (g: ModuleGraph, name: string) => name !== g.main;
  const sharedPreload = shared.filter((name) => graphs.every((g) => preloadable(g, name)));
  const platforms: Record<string, PlatformLists> = {};
  for (const g of graphs) {
    const own = [...g.modules.keys()].filter((name) => !shared.includes(name));
    platforms[g.platform] = {
      modules: sortedRecord(own),
      preload: own.filter((name) => preloadable(g, name)).sort(),
    };
  }
  return { common: { modules: sortedRecord(shared), preload: sharedPreload.sort() }, platforms, errors };
}

export function readManifest(root: string): Json {
  return JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as Json;
}

/** The manifest with its lists replaced (key order kept; an empty platform list is left out). */
export function withLists(manifest: Json, lists: ManifestLists): Json {
  const out: Json = { ...manifest, modules: lists.common.modules, preload: lists.common.preload };
  const platforms: Json = { ...((manifest.platforms ?? {}) as Json) };
  for (const [platform, own] of Object.entries(lists.platforms)) {
    const part: Json = { ...((platforms[platform] ?? {}) as Json) };
    delete part.modules;
    delete part.preload;
    if (Object.keys(own.modules).length > 0) part.modules = own.modules;
    if (own.preload.length > 0) part.preload = own.preload;
    platforms[platform] = part;
  }
  out.platforms = platforms;
  return out;
}

/** manifest.json as the tool writes it: tabs, as Moddable's own manifests. */
export function formatManifest(manifest: Json): string {
  return `${JSON.stringify(manifest, null, '\t')}\n`;
}

/** What differs between the committed lists and the import graph, one line per module. */
export function listDrift(root: string): string[] {
  const manifest = readManifest(root);
  const lists = manifestLists(root, manifest);
  const drift = [...lists.errors];
  const compare = (where: string, committed: Json, wanted: PlatformLists) => {
    const modules = (committed.modules ?? {}) as Record<string, string>;
    const preload = (committed.preload ?? []) as string[];
    for (const name of Object.keys(wanted.modules)) if (modules[name] !== wanted.modules[name]) drift.push(`${where}: modules lacks ${name} (reached from the entry module)`);
    for (const name of Object.keys(modules)) if (!(name in wanted.modules)) drift.push(`${where}: modules names ${name}, which no entry module reaches at run time`);
    for (const name of wanted.preload) if (!preload.includes(name)) drift.push(`${where}: preload lacks ${name}`);
    for (const name of preload) if (!wanted.preload.includes(name)) drift.push(`${where}: preload names ${name}, which is not a preloadable module of the build`);
  };
  compare('manifest.json', manifest, lists.common);
  const platforms = (manifest.platforms ?? {}) as Record<string, Json>;
  for (const [platform, wanted] of Object.entries(lists.platforms)) compare(`manifest.json platforms["${platform}"]`, platforms[platform] ?? {}, wanted);
  return drift;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (process.argv.includes('--check')) {
    const drift = listDrift(root);
    for (const line of drift) console.log(line);
    console.log(drift.length === 0 ? 'manifest: the module and preload lists follow the import graph' : `manifest: ${drift.length} differences: run npm run manifest`);
    process.exit(drift.length === 0 ? 0 : 1);
  }
  const manifest = readManifest(root);
  const lists = manifestLists(root, manifest);
  if (lists.errors.length > 0) {
    for (const error of lists.errors) console.error(error);
    process.exit(1);
  }
  writeFileSync(path.join(root, 'manifest.json'), formatManifest(withLists(manifest, lists)));
  const counts = Object.entries(lists.platforms).map(([p, l]) => `${p} +${Object.keys(l.modules).length}`);
  console.log(`manifest: ${Object.keys(lists.common.modules).length} modules shared by every platform (${lists.common.preload.length} preloaded), ${counts.join(', ')}`);
}
