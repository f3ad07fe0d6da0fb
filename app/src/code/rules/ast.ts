/** Small syntax helpers the rules share: SDK imports, what a variable holds, builder chains, await context. */
import ts from 'typescript'
import type { ApiNames } from '../../knowledge/api-names.js'

export const SDK_MODULES = new Set(['@hiero-ledger/sdk', '@hashgraph/sdk'])

/** Every node of the file, depth first. */
export function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node)
  ts.forEachChild(node, (child) => walk(child, visit))
}

const sdkUse = new WeakMap<ts.SourceFile, boolean>()

/** Whether the file imports or requires the SDK (old or new package name). */
export function usesSdk(source: ts.SourceFile): boolean {
  const cached = sdkUse.get(source)
  if (cached !== undefined) return cached
  const found = findsSdk(source)
  sdkUse.set(source, found)
  return found
}

function findsSdk(source: ts.SourceFile): boolean {
  let found = false
  walk(source, (node) => {
    if (found) return
    const spec = moduleSpecifier(node)
    if (spec && SDK_MODULES.has(spec.text)) found = true
  })
  return found
}

/** The module string of an import/export declaration or a `require('...')` / `import('...')` call. */
export function moduleSpecifier(node: ts.Node): ts.StringLiteral | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) return node.moduleSpecifier
  if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
    const callee = node.expression
    if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) return node.arguments[0]
  }
  return undefined
}

/** The name a call calls: `x.y.method(...)` -> method. */
export function calledName(call: ts.CallExpression): string | undefined {
  const callee = call.expression
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text
  if (ts.isIdentifier(callee)) return callee.text
  return undefined
}

/** `x.method(...)` -> x. */
export function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : undefined
}

function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression
  return e
}

interface FileFacts {
  /** Classes and functions the file declares: a user's own `Wallet` is not the SDK's. */
  ownTypes: Set<string>
  declarations: Map<string, ts.VariableDeclaration[]>
  assigned: Set<string>
  identifiers: Map<string, ts.Identifier[]>
}

const facts = new WeakMap<ts.SourceFile, FileFacts>()

/** Variable declarations by name and the names assigned with `=`, collected once per file (rules ask often). */
function factsOf(source: ts.SourceFile): FileFacts {
  const cached = facts.get(source)
  if (cached) return cached
  const result: FileFacts = { ownTypes: new Set(), declarations: new Map(), assigned: new Set(), identifiers: new Map() }
  walk(source, (node) => {
    if (ts.isIdentifier(node)) {
      const list = result.identifiers.get(node.text) ?? []
      list.push(node)
      result.identifiers.set(node.text, list)
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const list = result.declarations.get(node.name.text) ?? []
      list.push(node)
      result.declarations.set(node.name.text, list)
    } else if ((ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassExpression(node)) && node.name) {
      result.ownTypes.add(node.name.text)
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
      result.assigned.add(node.left.text)
    }
  })
  facts.set(source, result)
  return result
}

/** `new X(...)` of a class the SDK exports and the file does not declare itself; the class name, or undefined. */
export function newSdkClass(expr: ts.Expression, names: ApiNames): string | undefined {
  if (!ts.isNewExpression(expr) || !ts.isIdentifier(expr.expression)) return undefined
  const name = expr.expression.text
  return names.hasClass(name) && !factsOf(expr.getSourceFile()).ownTypes.has(name) ? name : undefined
}

/** Whether the file declares a class or function of this name itself. */
export function declaresOwn(source: ts.SourceFile, name: string): boolean {
  return factsOf(source).ownTypes.has(name)
}

/** Every identifier spelled `name` in the file, in source order. */
export function identifiersNamed(source: ts.SourceFile, name: string): readonly ts.Identifier[] {
  return factsOf(source).identifiers.get(name) ?? []
}

/** The declaration (const/let/var) of an identifier in the file, found by name: the closest one above it. */
export function declarationOf(id: ts.Identifier): ts.VariableDeclaration | undefined {
  const list = factsOf(id.getSourceFile()).declarations.get(id.text) ?? []
  let best: ts.VariableDeclaration | undefined
  for (const decl of list) if (decl.name.getStart() <= id.getStart()) best = decl
  return best
}

/** Whether a variable is assigned anywhere with `=` (then what it holds is not known statically). */
export function isReassigned(decl: ts.VariableDeclaration): boolean {
  if (!ts.isIdentifier(decl.name)) return true
  return factsOf(decl.getSourceFile()).assigned.has(decl.name.text)
}

/** A string a expression surely holds: a literal, or a never-reassigned const initialised with one. */
export function stringValue(expr: ts.Expression): { value: string; literal: ts.StringLiteralLike } | undefined {
  const e = unwrap(expr)
  if (ts.isStringLiteralLike(e)) return { value: e.text, literal: e }
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e)
    if (decl?.initializer && isConst(decl) && !isReassigned(decl)) return stringValue(decl.initializer)
  }
  return undefined
}

export function isConst(decl: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0
}

/**
 * The SDK class an expression holds when that is visible in the file: `new X(...)` and its `this`-returning
 * builder chain, or a never-reassigned variable initialised with one. Undefined when unknown.
 */
export function heldClass(expr: ts.Expression, names: ApiNames, depth = 0): string | undefined {
  if (depth > 8) return undefined
  const e = unwrap(expr)
  if (ts.isNewExpression(e)) return newSdkClass(e, names)
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const inner = e.expression.expression
    const method = e.expression.name.text
    // A static factory: Client.forTestnet(), Hbar.fromTinybars(...).
    if (ts.isIdentifier(inner) && names.hasClass(inner.text) && !factsOf(e.getSourceFile()).ownTypes.has(inner.text)) {
      const returned = names.staticReturns(inner.text, method)
      if (returned) return returned
    }
    const cls = heldClass(inner, names, depth + 1)
    return cls && names.returnsThis(cls, method) ? cls : undefined
  }
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e)
    if (!decl?.initializer || isReassigned(decl)) return undefined
    // `const tx = await new X().execute(client)` holds a response, not an X.
    return heldClass(decl.initializer, names, depth + 1)
  }
  return undefined
}

/** The root of a call chain: `new X().a().b()` -> `new X()`, `tx.a().b()` -> `tx`. */
export function chainRoot(expr: ts.Expression): ts.Expression {
  let e = expr
  for (;;) {
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) e = e.expression.expression
    else if (ts.isPropertyAccessExpression(e)) e = e.expression
    else if (ts.isParenthesizedExpression(e)) e = e.expression
    else return e
  }
}

/** The calls of a chain from its root outwards: `new X().a().b()` -> [a(), b()]. */
export function chainCalls(outer: ts.Expression): ts.CallExpression[] {
  const calls: ts.CallExpression[] = []
  let e = outer
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    calls.unshift(e)
    e = e.expression.expression
  }
  return calls
}

/** The outermost call of the chain a call belongs to. */
export function chainTop(call: ts.CallExpression): ts.CallExpression {
  let top: ts.CallExpression = call
  for (;;) {
    const access = top.parent
    if (access && ts.isPropertyAccessExpression(access) && access.expression === top && access.parent && ts.isCallExpression(access.parent) && access.parent.expression === access) top = access.parent
    else return top
  }
}

/** Whether `await` may be written where the node is: inside an async function, or at a module's top level. */
export function canAwait(node: ts.Node): boolean {
  for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) return (ts.getCombinedModifierFlags(p) & ts.ModifierFlags.Async) !== 0
    if (ts.isSourceFile(p)) return ts.isExternalModule(p) || /\bimport\b/.test(p.text.slice(0, 2000))
  }
  return false
}

/** The one variable that surely is the client: initialised with Client.forX(...) / Client.fromConfig(...), or named `client`. */
export function clientName(source: ts.SourceFile): string | undefined {
  const found = new Set<string>()
  walk(source, (node) => {
    if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return
    const root = chainRoot(unwrap(node.initializer))
    if (ts.isIdentifier(root) && root.text === 'Client') found.add(node.name.text)
  })
  if (found.size === 1) return [...found][0]
  return found.size === 0 && /\bclient\b/.test(source.text) ? 'client' : undefined
}
