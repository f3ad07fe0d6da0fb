/** Rule: one id (or one metadata blob) passed where the SDK method takes a list, e.g. `setTokenIds(tokenId)`. */
import ts from 'typescript'
import type { ApiIndex } from '../../knowledge/api-index.js'
import { declarationOf, heldClass, isConst, usesSdk, walk } from './ast.js'
import type { Finding, Rule } from './rule.js'

interface ArrayMethods {
  /** class -> methods whose one parameter is an array */
  byClass: Map<string, Set<string>>
  /** methods that take an array on every class that has them */
  always: Set<string>
  extendsOf: Map<string, string | undefined>
}

const cache = new WeakMap<ApiIndex, ArrayMethods>()

function arrayMethods(index: ApiIndex): ArrayMethods {
  const cached = cache.get(index)
  if (cached) return cached
  const byClass = new Map<string, Set<string>>()
  const array = new Set<string>()
  const other = new Set<string>()
  for (const c of index.classes) {
    for (const m of c.methods) {
      if (m.static) continue
      const params = firstParams(m.signature)
      const takesArray = /^\w+\??: [^,]*\[\]$/.test(params.trim()) && !/,(?![^(]*\))/.test(params)
      if (takesArray) {
        if (!byClass.has(c.name)) byClass.set(c.name, new Set())
        byClass.get(c.name)!.add(m.name)
        array.add(m.name)
      } else other.add(m.name)
    }
  }
  const result = { byClass, always: new Set([...array].filter((m) => !other.has(m))), extendsOf: new Map(index.classes.map((c) => [c.name, c.extends])) }
  cache.set(index, result)
  return result
}

/** The parameter list of the first overload: `(a: (X | Y)[]): R` -> `a: (X | Y)[]`. */
function firstParams(signature: string): string {
  let depth = 0
  for (let i = 0; i < signature.length; i++) {
    if (signature[i] === '(') depth++
    else if (signature[i] === ')' && --depth === 0) return signature.slice(1, i)
  }
  return ''
}

function wantsArray(methods: ArrayMethods, cls: string | undefined, method: string): boolean {
  if (!cls) return methods.always.has(method)
  for (let c: string | undefined = cls, hops = 0; c && hops < 10; c = methods.extendsOf.get(c), hops++) if (methods.byClass.get(c)?.has(method)) return true
  return false
}

/** An expression that surely is one value, not a list: a literal, an id built from a string, one byte buffer. */
function isSingle(expr: ts.Expression, depth = 0): boolean {
  if (depth > 4) return false
  if (ts.isStringLiteralLike(expr) || ts.isNumericLiteral(expr)) return true
  if (ts.isNewExpression(expr) && ts.isIdentifier(expr.expression)) return /(Id|^Uint8Array)$/.test(expr.expression.text)
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
    const { expression: target, name } = expr.expression
    if (ts.isIdentifier(target) && /Id$/.test(target.text) && /^from(String|SolidityAddress|EvmAddress)$/.test(name.text)) return true
    if (ts.isIdentifier(target) && target.text === 'Buffer' && name.text === 'from') return true
    if (name.text === 'encode' && ts.isNewExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'TextEncoder') return true
    return false
  }
  // `receipt.tokenId`, `receipt.accountId`: a receipt holds one id of each kind.
  if (ts.isPropertyAccessExpression(expr) && /^(tokenId|accountId|topicId|fileId|contractId|scheduleId|nftId)$/.test(expr.name.text)) return true
  if (ts.isNonNullExpression(expr) || ts.isParenthesizedExpression(expr)) return isSingle(expr.expression, depth + 1)
  if (ts.isIdentifier(expr)) {
    const decl = declarationOf(expr)
    return Boolean(decl?.initializer && isConst(decl) && isSingle(decl.initializer, depth + 1))
  }
  return false
}

export const singleIdArray: Rule = {
  meta: {
    name: 'single-id-array',
    description: 'One id or value passed to an SDK method that takes a list (`setTokenIds`, `setSerials`, `setNodeAccountIds`, `setMetadata` on a mint, ...).',
    why: 'These setters take an array even for one element; one value is rejected by the type check, or in JavaScript read element by element (a string becomes its characters).',
    fixable: true,
    guide: 'token-associate',
  },
  check({ source, names, index }) {
    // Setter names like setSerials are not the SDK's alone: only files that use the SDK.
    if (!usesSdk(source)) return []
    const methods = arrayMethods(index)
    const findings: Finding[] = []
    walk(source, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.arguments.length !== 1) return
      const method = node.expression.name.text
      const cls = heldClass(node.expression.expression, names)
      if (!wantsArray(methods, cls, method)) return
      const arg = node.arguments[0]!
      if (!isSingle(arg)) return
      findings.push({
        start: arg.getStart(),
        end: arg.getEnd(),
        severity: 'error',
        message: `\`${method}\` takes a list; pass \`[${arg.getText()}]\` even for one ${/Serial/.test(method) ? 'serial number' : /Metadata/.test(method) ? 'metadata entry' : 'id'}.`,
        fix: { start: arg.getStart(), end: arg.getEnd(), text: `[${arg.getText()}]`, title: `Pass a list to ${method}` },
      })
    })
    return findings
  },
}
