// The Moddable SDK's side of the device type-check (tools/check/device-typecheck.ts), when the SDK is
// installed ($MODDABLE):
// - mcconfigTypeScript(): tsc's configuration exactly as mcconfig writes it for a platform
//   (mcconfig run without -m writes the makefile and the tsconfig files, and builds nothing);
// - compareWithSdk(): checks that our declarations (typings/moddable) are never wider than
//   the SDK's: for every module and global we declare that the SDK declares too, whatever
//   code may do with ours it may do with the SDK's. Structurally, with TypeScript's checker,
//   but with parameters compared explicitly in the strict direction: TypeScript compares
//   method and constructor parameters bivariantly, which would let `write(value: number)`
//   pass for the SDK's `write(value: 0 | 1)`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

export function findMcconfig(moddable: string): string | null {
  const host = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';
  const file = path.join(moddable, 'build', 'bin', host, 'release', process.platform === 'win32' ? 'mcconfig.exe' : 'mcconfig');
  return existsSync(file) ? file : null;
}

export interface TscRun {
  /** The options of mcconfig's per-file tsconfig, with emitting turned off. */
  options: ts.CompilerOptions;
  /** The files compiled with them, each on its own. */
  files: string[];
}

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, keep));
    else if (keep(entry.name)) found.push(full);
  }
  return found;
}

/**
 * Runs mcconfig for `platform` on the project at `root` into a temporary directory and reads
 * the per-file tsconfig files it writes (one per .ts module, each extending tsconfig-base.json
 * with its `paths`, `types` and the manifest's `typescript` options).
 */
export function mcconfigTypeScript(root: string, platform: string, moddable: string): TscRun[] {
  const mcconfig = findMcconfig(moddable);
  if (mcconfig === null) throw new Error(`mcconfig not found under ${moddable}/build/bin (build the SDK's tools first)`);
  const out = mkdtempSync(path.join(tmpdir(), 'press-mcconfig-'));
  try {
    const run = spawnSync(mcconfig, ['-p', platform, '-t', 'build', '-o', out], { cwd: root, env: { ...process.env, MODDABLE: moddable }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`mcconfig -p ${platform} failed: ${`${run.stdout}\n${run.stderr}`.trim()}`);
    const groups = new Map<string, TscRun>();
    for (const file of filesUnder(out, (name) => name.endsWith('-tsconfig.json'))) {
      const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
      if (parsed === undefined) throw new Error(`${file}: not readable`);
      const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
      for (const key of ['outDir', 'rootDir', 'sourceMap', 'configFilePath']) delete options[key];
      const key = JSON.stringify(options);
      const group = groups.get(key) ?? { options, files: [] };
      group.files.push(...parsed.fileNames);
      groups.set(key, group);
    }
    return [...groups.values()];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface Comparison {
  /** Modules and globals of ours that the SDK declares too, compared. */
  compared: string[];
  /** Where ours accepts what the SDK's does not, one line each. */
  differences: string[];
  /** What ours declares and the SDK does not (these must be in typings/sdk-extra, named by the manifest). */
  notInSdk: string[];
}

const OURS_PREFIX = 'ours:';
const OURS_GLOBALS = '__ours_globals';

/**
 * Our typing files as one declaration file that can live beside the SDK's in one program:
 * each `declare module 'm'` becomes `declare module 'ours:m'`, and the global declarations move
 * into the namespace __ours_globals.
 */
export function renameOurDeclarations(files: readonly string[]): { text: string; modules: string[] } {
  const modules: string[] = [];
  const parsed = files.map((file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2025, true));
  for (const source of parsed) {
    for (const statement of source.statements) {
      if (ts.isModuleDeclaration(statement) && ts.isStringLiteral(statement.name)) modules.push(statement.name.text);
      else if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) throw new Error(`${source.fileName}: typings must be global declaration files (no top-level import or export)`);
    }
  }
  const ours = new Set(modules);
  const moduleText: string[] = [];
  const globalText: string[] = [];
  for (const source of parsed) {
    const text = source.text;
    for (const statement of source.statements) {
      if (ts.isModuleDeclaration(statement) && ts.isStringLiteral(statement.name)) {
        // Rename the module and every specifier inside it that names one of ours.
        const edits: { start: number; end: number; text: string }[] = [];
        const visit = (node: ts.Node) => {
          if (ts.isStringLiteral(node) && ours.has(node.text) && (node === statement.name || ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isLiteralTypeNode(node.parent))) {
            edits.push({ start: node.getStart(source), end: node.getEnd(), text: JSON.stringify(OURS_PREFIX + node.text) });
          }
          ts.forEachChild(node, visit);
        };
        visit(statement);
        let piece = text.slice(statement.getStart(source), statement.getEnd());
        const base = statement.getStart(source);
        for (const edit of edits.sort((a, b) => b.start - a.start)) piece = piece.slice(0, edit.start - base) + edit.text + piece.slice(edit.end - base);
        moduleText.push(piece);
      } else {
        const start = statement.getStart(source);
        const declare = ts.canHaveModifiers(statement) ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.DeclareKeyword) : undefined;
        const body = declare === undefined ? text.slice(start, statement.getEnd()) : text.slice(declare.getEnd(), statement.getEnd()).trimStart();
        globalText.push(`export ${body}`);
      }
    }
  }
  return { text: `${moduleText.join('\n\n')}\n\ndeclare namespace ${OURS_GLOBALS} {\n${globalText.join('\n')}\n}\n`, modules };
}

type Polarity = 1 | -1;

/**
 * `source` assignable to `target`, structurally. With polarity 1 the source is the SDK's and
 * the target ours (a value code obtains: what it does with ours must work with the SDK's);
 * with -1 the source is ours and the target the SDK's (a value code supplies: what ours
 * accepts the SDK's must accept). Parameters flip the polarity.
 */
class Relation {
  private readonly memo = new Map<string, { where: string; problems: string[] }>();
  private readonly active = new Set<string>();
  private readonly ids = new Map<ts.Type, number>();
  private trials = 0;

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly isTypingFile: (file: ts.SourceFile) => boolean,
  ) {}

  private trying<T>(alternatives: () => T): T {
    this.trials++;
    try {
      return alternatives();
    } finally {
      this.trials--;
    }
  }

  private id(type: ts.Type): number {
    let id = this.ids.get(type);
    if (id === undefined) this.ids.set(type, (id = this.ids.size));
    return id;
  }

  private str(type: ts.Type): string {
    return this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType).replaceAll(`"${OURS_PREFIX}`, '"');
  }

  private mismatch(source: ts.Type, target: ts.Type, where: string, polarity: Polarity): string {
    return polarity === 1
      ? `${where}: ours is ${this.str(target)}; the SDK's is ${this.str(source)}, which is not assignable to it`
      : `${where}: ours accepts ${this.str(source)}; the SDK's accepts only ${this.str(target)}`;
  }

  /** Declared in one of the typing files compared (not in TypeScript's lib): compared member by member. */
  private isOwnShape(type: ts.Type): boolean {
    const parts = type.isIntersection() ? type.types : [type];
    return parts.some((part) => {
      const symbol = part.aliasSymbol ?? part.getSymbol();
      const declarations = symbol?.declarations ?? [];
      return declarations.length > 0 && declarations.every((d) => this.isTypingFile(d.getSourceFile()));
    });
  }

  private isObjectLike(type: ts.Type): boolean {
    if (type.flags & ts.TypeFlags.Object) return true;
    return type.isIntersection() && type.types.every((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  }

  relate(source: ts.Type, target: ts.Type, where: string, polarity: Polarity, options: { structural?: boolean; excess?: boolean } = {}): string[] {
    const key = `${this.id(source)}:${this.id(target)}:${polarity}:${options.structural === true}:${options.excess !== false}`;
    // A pair compared before is not compared again: its differences are reported once.
    const known = this.memo.get(key);
    if (known !== undefined) return known.problems.length === 0 ? [] : [`${where}: differs as ${known.where} does`];
    if (this.active.has(key)) return [];
    this.active.add(key);
    const problems = this.compute(source, target, where, polarity, options);
    this.active.delete(key);
    // A difference found while trying alternatives may be dropped with the alternative: not kept.
    if (problems.length === 0 || this.trials === 0) this.memo.set(key, { where, problems });
    return problems;
  }

  private compute(source: ts.Type, target: ts.Type, where: string, polarity: Polarity, options: { structural?: boolean; excess?: boolean }): string[] {
    const checker = this.checker;
    if (source === target) return [];
    if (target.flags & ts.TypeFlags.Unknown) return [];
    if (target.flags & ts.TypeFlags.Any) {
      // The SDK's side accepting anything is fine; ours giving `any` lets code do anything.
      return polarity === -1 || source.flags & ts.TypeFlags.Any ? [] : [this.mismatch(source, target, where, polarity)];
    }
    if (source.flags & ts.TypeFlags.Any) return polarity === 1 ? [] : [this.mismatch(source, target, where, polarity)];
    if (source.isUnion()) return source.types.flatMap((member) => this.relate(member, target, where, polarity, options));
    if (target.isUnion()) {
      // TypeScript checks excess properties against the union as a whole.
      const excess = polarity === -1 && options.excess !== false ? this.excessProperties(source, target, where) : [];
      const trials = this.trying(() => target.types.filter((t) => this.isObjectLike(t) === this.isObjectLike(source)).map((member) => this.relate(source, member, where, polarity, { ...options, excess: false })));
      if (trials.some((p) => p.length === 0)) return excess;
      if (!this.isObjectLike(source) || !this.isOwnShape(source) || trials.length === 0) return [...excess, this.mismatch(source, target, where, polarity)];
      // The closest member tells what is missing.
      return [...excess, ...trials.reduce((best, p) => (p.length < best.length ? p : best))];
    }
    if (!this.isObjectLike(source) || !this.isObjectLike(target) || (options.structural !== true && !this.isOwnShape(source) && !this.isOwnShape(target))) {
      return checker.isTypeAssignableTo(source, target) ? [] : [this.mismatch(source, target, where, polarity)];
    }
    return this.structure(source, target, where, polarity, options.excess !== false);
  }

  /** Properties an object literal of ours may have that the SDK's type does not know (only for literal types of ours). */
  private excessProperties(source: ts.Type, target: ts.Type, where: string): string[] {
    const symbol = source.getSymbol();
    if (symbol === undefined || !(symbol.flags & (ts.SymbolFlags.TypeLiteral | ts.SymbolFlags.ObjectLiteral | ts.SymbolFlags.Interface)) || !this.isOwnShape(source)) return [];
    const members = target.isUnion() ? target.types : [target];
    const problems: string[] = [];
    for (const property of this.checker.getPropertiesOfType(source)) {
      if (!members.some((m) => this.property(m, property) !== undefined)) problems.push(`${where}.${property.name}: ours accepts it; the SDK's does not know it (an object literal with it fails there)`);
    }
    return problems;
  }

  private property(type: ts.Type, like: ts.Symbol): ts.Symbol | undefined {
    return this.checker.getPropertiesOfType(type).find((p) => p.escapedName === like.escapedName);
  }

  private structure(source: ts.Type, target: ts.Type, where: string, polarity: Polarity, excess: boolean): string[] {
    const checker = this.checker;
    const problems: string[] = [];
    const sourceProperties = checker.getPropertiesOfType(source);
    const targetProperties = checker.getPropertiesOfType(target);
    // The SDK's opaque handle (a class with private members) takes only what cannot be made either.
    if (polarity === -1 && targetProperties.some(isPrivate) && !sourceProperties.some(isPrivate)) {
      problems.push(`${where}: ours accepts ${this.str(source)}; the SDK's takes only its own opaque ${this.str(target)}`);
    }
    for (const property of targetProperties) {
      if (isPrivate(property) || property.name === 'prototype') continue;
      const at = `${where}.${property.name}`;
      const match = this.property(source, property);
      const targetOptional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      if (match === undefined || isPrivate(match)) {
        if (polarity === 1) problems.push(`${at}: ours declares it; the SDK's has no such member`);
        else if (!targetOptional) problems.push(`${at}: the SDK's requires it; ours does not`);
        continue;
      }
      const sourceOptional = (match.flags & ts.SymbolFlags.Optional) !== 0;
      let sourceType = checker.getTypeOfSymbol(match);
      let targetType = checker.getTypeOfSymbol(property);
      if (sourceOptional !== targetOptional) {
        if (polarity === 1 && sourceOptional) problems.push(`${at}: ours is always present; the SDK's is optional`);
        if (polarity === -1 && targetOptional === false) problems.push(`${at}: the SDK's requires it; ours makes it optional`);
        sourceType = checker.getNonNullableType(sourceType);
        targetType = checker.getNonNullableType(targetType);
      }
      const assignable = polarity === 1 && !isReadonly(property) && !(property.flags & ts.SymbolFlags.Method);
      if (assignable && isReadonly(match)) problems.push(`${at}: ours may be assigned; the SDK's is read-only`);
      problems.push(...this.relate(sourceType, targetType, at, polarity));
      // What code writes into ours must be accepted by the SDK's.
      if (assignable && !isReadonly(match)) problems.push(...this.relate(targetType, sourceType, `${at} (assigned)`, -1));
    }
    if (polarity === -1 && excess) problems.push(...this.excessProperties(source, target, where));
    for (const info of checker.getIndexInfosOfType(target)) {
      const match = checker.getIndexInfosOfType(source).find((i) => i.keyType === info.keyType);
      if (match === undefined) {
        if (polarity === 1) problems.push(`${where}[${this.str(info.keyType)}]: ours may be indexed; the SDK's may not`);
        continue;
      }
      problems.push(...this.relate(match.type, info.type, `${where}[${this.str(info.keyType)}]`, polarity));
    }
    problems.push(...this.signatures(source, target, where, polarity, ts.SignatureKind.Call));
    problems.push(...this.signatures(source, target, where, polarity, ts.SignatureKind.Construct));
    return problems;
  }

  private signatures(source: ts.Type, target: ts.Type, where: string, polarity: Polarity, kind: ts.SignatureKind): string[] {
    // A private constructor cannot be called from outside.
    const usable = (s: ts.Signature) => !hasPrivateModifier(s.getDeclaration() as ts.Node | undefined);
    const targetSignatures = this.checker.getSignaturesOfType(target, kind).filter(usable);
    const sourceSignatures = this.checker.getSignaturesOfType(source, kind).filter(usable);
    const call = kind === ts.SignatureKind.Construct ? ' new' : '';
    const problems: string[] = [];
    for (const targetSignature of targetSignatures) {
      const at = `${where}${call}(${this.parameterNames(targetSignature)})`;
      if (sourceSignatures.length === 0) {
        problems.push(polarity === 1 ? `${at}: ours may be ${call === '' ? 'called' : 'constructed'}; the SDK's may not` : `${at}: ours accepts what the SDK's does not take`);
        continue;
      }
      const tried = sourceSignatures.length === 1 ? [this.signature(sourceSignatures[0]!, targetSignature, at, polarity)] : this.trying(() => sourceSignatures.map((s) => this.signature(s, targetSignature, at, polarity)));
      if (tried.some((p) => p.length === 0)) continue;
      if (tried.length === 1) problems.push(...tried[0]!);
      else {
        const theirs = sourceSignatures.map((s) => this.checker.signatureToString(s)).join(' | ');
        const reasons = tried.map((p) => p[0]!.slice(p[0]!.indexOf(': ') + 2)).join('; ');
        problems.push(`${at}: ${polarity === 1 ? 'ours' : 'the SDK\'s'} ${this.checker.signatureToString(targetSignature)} matches none of ${polarity === 1 ? 'the SDK\'s' : 'our'} overloads ${theirs} (${reasons})`);
      }
    }
    return problems;
  }

  private parameterNames(signature: ts.Signature): string {
    return signature.getParameters().map((p) => p.name).join(', ');
  }

  private signature(source: ts.Signature, target: ts.Signature, where: string, polarity: Polarity): string[] {
    const checker = this.checker;
    if ((source.getTypeParameters()?.length ?? 0) > 0 || (target.getTypeParameters()?.length ?? 0) > 0) {
      return [`${where}: generic (not compared): ours ${checker.signatureToString(target)}, the SDK's ${checker.signatureToString(source)}`];
    }
    const s = parameterShape(checker, source);
    const t = parameterShape(checker, target);
    const problems: string[] = [];
    if (polarity === 1) {
      // Code calls ours with t.min .. t.max arguments: the SDK's must take each of those counts.
      if (s.min > t.min) problems.push(`${where}: ours may be called with ${t.min} argument(s); the SDK's needs ${s.min}`);
      if (!s.rest && (t.rest || s.max < t.max)) problems.push(`${where}: ours may be called with ${t.rest ? 'any number of' : t.max} argument(s); the SDK's takes at most ${s.max}`);
    } else if (s.min > t.max && !t.rest) {
      problems.push(`${where}: ours needs ${s.min} argument(s); the SDK's passes at most ${t.max}`);
    }
    const count = Math.max(s.types.length, t.types.length);
    for (let i = 0; i < count; i++) {
      const sourceType = s.typeAt(i);
      const targetType = t.typeAt(i);
      if (sourceType === undefined || targetType === undefined) continue;
      problems.push(...this.relate(targetType, sourceType, `${where} argument ${i + 1}`, polarity === 1 ? -1 : 1));
    }
    if (s.thisType !== undefined && t.thisType !== undefined) problems.push(...this.relate(t.thisType, s.thisType, `${where} this`, polarity === 1 ? -1 : 1));
    const targetReturn = checker.getReturnTypeOfSignature(target);
    if (!(targetReturn.flags & ts.TypeFlags.Void)) problems.push(...this.relate(checker.getReturnTypeOfSignature(source), targetReturn, `${where} ->`, polarity));
    return problems;
  }
}

interface ParameterShape {
  min: number;
  max: number;
  rest: boolean;
  types: ts.Type[];
  thisType: ts.Type | undefined;
  typeAt(index: number): ts.Type | undefined;
}

function parameterShape(checker: ts.TypeChecker, signature: ts.Signature): ParameterShape {
  const parameters = signature.getParameters();
  const declarations = parameters.map((p) => p.valueDeclaration).map((d) => (d !== undefined && ts.isParameter(d) ? d : undefined));
  const rest = declarations.length > 0 && declarations.at(-1)?.dotDotDotToken !== undefined;
  const fixed = rest ? parameters.length - 1 : parameters.length;
  let min = 0;
  for (let i = 0; i < fixed; i++) {
    const d = declarations[i];
    if (d !== undefined && checker.isOptionalParameter(d)) break;
    if (d === undefined && parameters[i]!.flags & ts.SymbolFlags.Optional) break;
    min = i + 1;
  }
  const types = parameters.map((p, i) => {
    const type = checker.getTypeOfSymbol(p);
    if (rest && i === parameters.length - 1) return checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.Number)?.type ?? type;
    return i >= min ? checker.getNonNullableType(type) : type;
  });
  const thisDeclaration = (signature.getDeclaration() as ts.SignatureDeclaration | undefined)?.parameters?.find((p) => ts.isIdentifier(p.name) && p.name.text === 'this');
  return {
    min,
    max: fixed,
    rest,
    types,
    thisType: thisDeclaration?.type === undefined ? undefined : checker.getTypeFromTypeNode(thisDeclaration.type),
    typeAt: (index) => (index < fixed ? types[index] : rest ? types[fixed] : undefined),
  };
}

function hasPrivateModifier(node: ts.Node | undefined): boolean {
  if (node === undefined || !ts.canHaveModifiers(node)) return false;
  return (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}

function isPrivate(symbol: ts.Symbol | undefined): boolean {
  if (symbol === undefined) return false;
  if (symbol.name.startsWith('__#') || symbol.name.startsWith('#')) return true;
  return (symbol.declarations ?? []).some(hasPrivateModifier);
}

function isReadonly(symbol: ts.Symbol): boolean {
  if (symbol.flags & ts.SymbolFlags.GetAccessor && !(symbol.flags & ts.SymbolFlags.SetAccessor)) return true;
  if (symbol.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Function | ts.SymbolFlags.Class)) return false;
  return (symbol.declarations ?? []).some((d) => ts.canHaveModifiers(d) && (ts.getModifiers(d) ?? []).some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword));
}

/**
 * Compares our declarations with the SDK's, in one program configured as mcconfig configures
 * tsc (`sdkOptions`: its `paths` and the SDK's `types`), so each module name resolves to the
 * declaration mcconfig would use. `ourFiles` stand in for the SDK's; `extraFiles` declare what
 * the SDK lacks and are reported if the SDK declares them after all.
 */
export function compareWithSdk(ourFiles: readonly string[], extraFiles: readonly string[], sdkOptions: ts.CompilerOptions, moddable: string): Comparison {
  const sdkRoot = path.resolve(moddable) + path.sep;
  const options: ts.CompilerOptions = { ...sdkOptions, noEmit: true, types: (sdkOptions.types ?? []).filter((t) => path.resolve(t).startsWith(sdkRoot)) };
  const ours = renameOurDeclarations([...ourFiles, ...extraFiles]);
  const extraModules = new Set(renameOurDeclarations(extraFiles).modules);
  const virtualDir = path.join(tmpdir(), 'press-typings-compare');
  const oursFile = path.join(virtualDir, 'ours.d.ts');
  const probeFile = path.join(virtualDir, 'probe.ts');
  const probeText = `${ours.modules.map((m, i) => `import * as sdk${i} from ${JSON.stringify(m)};`).join('\n')}\nexport { ${ours.modules.map((_, i) => `sdk${i}`).join(', ')} };\n`;
  const virtual = new Map([
    [oursFile, ours.text],
    [probeFile, probeText],
  ]);
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, onError, create) => (virtual.has(name) ? ts.createSourceFile(name, virtual.get(name)!, version, true) : getSourceFile.call(host, name, version, onError, create));
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram({ rootNames: [probeFile, oursFile], options, host });
  const checker = program.getTypeChecker();
  const oursSource = program.getSourceFile(oursFile)!;
  const syntax = program.getSyntacticDiagnostics(oursSource);
  if (syntax.length > 0) throw new Error(`our typings, renamed for the comparison: ${syntax.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
  const isSdkFile = (file: ts.SourceFile) => path.resolve(file.fileName).startsWith(sdkRoot);
  const relation = new Relation(checker, (file) => file === oursSource || isSdkFile(file));
  const result: Comparison = { compared: [], differences: [], notInSdk: [] };
  const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

  const compareSymbols = (sdk: ts.Symbol, mine: ts.Symbol, where: string, typesBothWays: boolean) => {
    const s = resolve(sdk);
    const o = resolve(mine);
    if (o.flags & ts.SymbolFlags.Value && !(s.flags & ts.SymbolFlags.Value)) result.differences.push(`${where}: ours is a value; the SDK's is only a type`);
    else if (o.flags & ts.SymbolFlags.Value) result.differences.push(...relation.relate(checker.getTypeOfSymbol(s), checker.getTypeOfSymbol(o), where, 1, { structural: true }));
    if (o.flags & ts.SymbolFlags.Type && !(s.flags & ts.SymbolFlags.Type)) result.differences.push(`${where}: ours is also a type; the SDK's is not`);
    else if (o.flags & ts.SymbolFlags.Type && !(o.flags & ts.SymbolFlags.Value)) {
      const sdkType = checker.getDeclaredTypeOfSymbol(s);
      const ourType = checker.getDeclaredTypeOfSymbol(o);
      result.differences.push(...relation.relate(sdkType, ourType, `${where} (type)`, 1, { structural: true }));
      if (typesBothWays) result.differences.push(...relation.relate(ourType, sdkType, `${where} (type)`, -1, { structural: true }));
    }
  };

  const probe = program.getSourceFile(probeFile)!;
  const imports = probe.statements.filter(ts.isImportDeclaration);
  ours.modules.forEach((name, i) => {
    const mine = checker.getAmbientModules().find((m) => m.name === JSON.stringify(OURS_PREFIX + name));
    const sdk = checker.getSymbolAtLocation(imports[i]!.moduleSpecifier);
    const declaredBySdk = sdk !== undefined && (sdk.declarations ?? []).some((d) => isSdkFile(d.getSourceFile()));
    if (!declaredBySdk || sdk === undefined) {
      result.notInSdk.push(`module ${name}`);
      if (!extraModules.has(name)) result.differences.push(`module ${name}: ours declares it; the SDK has no declaration of it (declare it in typings/sdk-extra and name it in the manifest's typescript block)`);
      return;
    }
    if (mine === undefined) throw new Error(`our module ${name} not found after renaming`);
    if (extraModules.has(name)) result.differences.push(`module ${name}: the SDK declares it now; compare typings/sdk-extra with it and drop ours`);
    result.compared.push(`module ${name}`);
    const sdkExports = checker.getExportsOfModule(sdk);
    for (const exported of checker.getExportsOfModule(mine)) {
      const where = `${name} ${exported.name === 'default' ? 'default export' : `export ${exported.name}`}`;
      const match = sdkExports.find((e) => e.name === exported.name);
      if (match === undefined) result.differences.push(`${where}: ours exports it; the SDK's module does not`);
      else compareSymbols(match, exported, where, true);
    }
  });

  const globals = checker.getSymbolsInScope(probe, ts.SymbolFlags.Value | ts.SymbolFlags.Type);
  const namespace = globals.find((g) => g.name === OURS_GLOBALS);
  for (const mine of namespace?.exports?.values() ?? []) {
    const name = mine.name;
    const sdk = globals.find((g) => g.name === name && (g.declarations ?? []).every((d) => d.getSourceFile() !== oursSource));
    if (sdk === undefined) {
      result.differences.push(`global ${name}: ours declares it; the SDK does not`);
      continue;
    }
    result.compared.push(`global ${name}`);
    compareSymbols(sdk, mine, `global ${name}`, !(mine.flags & ts.SymbolFlags.Interface));
  }
  result.differences = [...new Set(result.differences)];
  return result;
}
