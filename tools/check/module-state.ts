// What a preloaded module may hold at module level. Moddable's xsl runs every preloaded module
// at build time and puts what it made in flash: an object left unfrozen costs RAM on the board
// (xsl warns "not frozen" and the runtime keeps a writable copy), and a typed array's bytes
// become read-only, so a write at run time throws. So, in every module manifest.json
// preloads:
// - no module-level `let` or `var`: a binding the module changes at run time;
// - every module-level constant that holds an object is frozen where it is made
//   (Object.freeze(...) or deepFreeze(...) around its initializer), or is a function, a class,
//   a regular expression without the g or y flag, or a typed array;
// - a module-level typed array is never written after the module has loaded (no element
//   assignment, ++/--, set, fill, copyWithin, sort or reverse on it inside a function).
// Used by tests/architecture/module-state.test.ts; the real build's xsl warnings are the check behind it.
import path from 'node:path';
import ts from 'typescript';

export interface StateViolation {
  file: string;
  line: number;
  name: string;
  reason: string;
}

const FREEZERS = new Set(['Object.freeze', 'deepFreeze']);
const TYPED_ARRAYS = new Set(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']);
const MUTATORS = new Set(['set', 'fill', 'copyWithin', 'sort', 'reverse']);

function unwrap(node: ts.Expression): ts.Expression {
  let expression = node;
  while (ts.isAsExpression(expression) || ts.isParenthesizedExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isTypeAssertionExpression(expression)) expression = expression.expression;
  return expression;
}

function isFrozenCall(node: ts.Expression): boolean {
  const expression = unwrap(node);
  return ts.isCallExpression(expression) && FREEZERS.has(expression.expression.getText());
}

/** The parts of Object.freeze(literal) that hold objects and are frozen by nothing (deepFreeze freezes every part). */
function shallowParts(frozen: ts.Expression, checker: ts.TypeChecker): ts.Expression[] {
  const call = unwrap(frozen) as ts.CallExpression;
  if (call.expression.getText() !== 'Object.freeze' || call.arguments.length === 0) return [];
  const value = unwrap(call.arguments[0]);
  const parts: ts.Expression[] = [];
  if (ts.isArrayLiteralExpression(value)) parts.push(...value.elements.filter((e) => !ts.isSpreadElement(e) && !ts.isOmittedExpression(e)));
  else if (ts.isObjectLiteralExpression(value)) for (const property of value.properties) if (ts.isPropertyAssignment(property)) parts.push(property.initializer);
  return parts.filter((part) => {
    const inner = unwrap(part);
    if (isFrozenCall(inner) || ts.isIdentifier(inner) || ts.isPropertyAccessExpression(inner)) return false;
    if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner) || ts.isRegularExpressionLiteral(inner)) return false;
    return !isPlainValue(checker, checker.getTypeAtLocation(inner));
  });
}

function typeName(checker: ts.TypeChecker, type: ts.Type): string {
  return (type.getSymbol() ?? type.aliasSymbol)?.getName() ?? '';
}

function isPlainValue(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every((t) => isPlainValue(checker, t));
  const primitive = ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.ESSymbolLike;
  return (type.flags & primitive) !== 0;
}

function lineOf(node: ts.Node): number {
  const source = node.getSourceFile();
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Writes to a module-level typed array inside a function of the same file. */
function typedArrayWrites(source: ts.SourceFile, names: Set<string>, report: (node: ts.Node, name: string, reason: string) => void): void {
  const visit = (node: ts.Node, inFunction: boolean) => {
    const insideFunction = inFunction || ts.isFunctionLike(node);
    if (insideFunction) {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const target = node.left;
        if (ts.isElementAccessExpression(target) && ts.isIdentifier(target.expression) && names.has(target.expression.text)) report(node, target.expression.text, 'a module-level typed array written at run time (read-only once preloaded)');
      }
      if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
        const target = node.operand;
        if (ts.isElementAccessExpression(target) && ts.isIdentifier(target.expression) && names.has(target.expression.text)) report(node, target.expression.text, 'a module-level typed array written at run time (read-only once preloaded)');
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && names.has(node.expression.expression.text) && MUTATORS.has(node.expression.name.text)) {
        report(node, node.expression.expression.text, `a module-level typed array changed by ${node.expression.name.text}() at run time (read-only once preloaded)`);
      }
    }
    ts.forEachChild(node, (child) => visit(child, insideFunction));
  };
  visit(source, false);
}

/** Checks the given modules (files) with one program, so types come from the checker. */
export function findModuleState(files: readonly string[], options: ts.CompilerOptions): StateViolation[] {
  const program = ts.createProgram({ rootNames: [...files], options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();
  const violations: StateViolation[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) {
      violations.push({ file, line: 0, name: '', reason: 'not found' });
      continue;
    }
    const report = (node: ts.Node, name: string, reason: string) => violations.push({ file, line: lineOf(node), name, reason });
    const typedArrays = new Set<string>();
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
      const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) {
        const name = declaration.name.getText(source);
        if (!isConst) {
          report(declaration, name, 'a module-level let or var: state the module changes at run time');
          continue;
        }
        const initializer = declaration.initializer;
        if (initializer === undefined) continue;
        if (ts.isObjectBindingPattern(declaration.name) || ts.isArrayBindingPattern(declaration.name)) {
          // Destructured constants: each name must hold a plain value.
          for (const element of declaration.name.elements) {
            if (ts.isOmittedExpression(element)) continue;
            if (!isPlainValue(checker, checker.getTypeAtLocation(element.name))) report(element, element.name.getText(source), 'an object destructured into a module-level name (bind the frozen table itself)');
          }
          continue;
        }
        if (isFrozenCall(initializer)) {
          for (const part of shallowParts(initializer, checker)) report(part, name, `a part of a module-level object that is not frozen (${part.getText(source).slice(0, 40)}): use deepFreeze, or freeze the part`);
          continue;
        }
        const value = unwrap(initializer);
        if (ts.isArrowFunction(value) || ts.isFunctionExpression(value) || ts.isClassExpression(value)) continue;
        if (ts.isRegularExpressionLiteral(value)) {
          if (/\/[a-z]*[gy][a-z]*$/.test(value.text)) report(declaration, name, 'a module-level regular expression with the g or y flag keeps lastIndex: state changed at run time');
          continue;
        }
        const type = checker.getTypeAtLocation(declaration.name);
        if (isPlainValue(checker, type)) continue;
        if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) continue;
        const kind = typeName(checker, type);
        if (TYPED_ARRAYS.has(kind)) {
          typedArrays.add(name);
          continue;
        }
        if (kind === 'RegExp') continue;
        report(declaration, name, 'a module-level object that is not frozen (wrap its initializer in Object.freeze or deepFreeze)');
      }
    }
    typedArrayWrites(source, typedArrays, report);
  }
  return violations;
}

export function formatViolation(root: string, v: StateViolation): string {
  return `${path.relative(root, v.file)}:${v.line} ${v.name}: ${v.reason}`;
}
