/** Static hbar amounts: the tinybar value of an amount expression when it is written with literals, else undefined. */
import ts from 'typescript'
import { isConst, isReassigned, declarationOf } from './ast.js'

/** Tinybars per unit, as the SDK's HbarUnit names them. */
export const TINYBARS_PER: Record<string, number> = { Tinybar: 1, Microbar: 100, Millibar: 100_000, Hbar: 100_000_000, Kilobar: 1e11, Megabar: 1e14, Gigabar: 1e17 }

function unitOf(expr: ts.Expression | undefined): number | undefined {
  if (!expr) return TINYBARS_PER.Hbar
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'HbarUnit') return TINYBARS_PER[expr.name.text]
  return undefined
}

/** A plain number written with literals (and a const holding one). */
export function numberValue(expr: ts.Expression): number | undefined {
  let e = expr
  while (ts.isParenthesizedExpression(e)) e = e.expression
  if (ts.isNumericLiteral(e)) return Number(e.text)
  if (ts.isStringLiteral(e) && /^-?\d+(\.\d+)?$/.test(e.text.trim())) return Number(e.text)
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const inner = numberValue(e.operand)
    return inner === undefined ? undefined : -inner
  }
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e)
    if (decl?.initializer && isConst(decl) && !isReassigned(decl)) return numberValue(decl.initializer)
  }
  return undefined
}

/** Tinybars of an amount as the SDK reads it: a number is hbar; `new Hbar(n[, unit])`, `Hbar.fromTinybars(n)`, `Hbar.from(n, unit)`, `.negated()`. */
export function tinybarsOf(expr: ts.Expression): number | undefined {
  let e = expr
  while (ts.isParenthesizedExpression(e)) e = e.expression
  const plain = numberValue(e)
  if (plain !== undefined) return plain * TINYBARS_PER.Hbar!
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const inner = tinybarsOf(e.operand)
    return inner === undefined ? undefined : -inner
  }
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Hbar' && e.arguments?.length) {
    const n = numberValue(e.arguments[0]!)
    const unit = unitOf(e.arguments[1])
    return n === undefined || unit === undefined ? undefined : n * unit
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const { expression: target, name } = e.expression
    if (name.text === 'negated' && e.arguments.length === 0) {
      const inner = tinybarsOf(target)
      return inner === undefined ? undefined : -inner
    }
    if (ts.isIdentifier(target) && target.text === 'Hbar' && e.arguments.length > 0) {
      const n = numberValue(e.arguments[0]!)
      if (n === undefined) return undefined
      if (name.text === 'fromTinybars') return n
      if (name.text === 'from') {
        const unit = unitOf(e.arguments[1])
        return unit === undefined ? undefined : n * unit
      }
    }
  }
  return undefined
}

/** Tinybars as a short text in hbar (10 ℏ, 0.5 ℏ, 100 tinybars). */
export function formatTinybars(tinybars: number): string {
  if (Math.abs(tinybars) < 1_000_000 && tinybars % 1 === 0 && Math.abs(tinybars) % 100_000_000 !== 0) return `${tinybars} tinybars`
  return `${Number((tinybars / 1e8).toFixed(8))} ℏ`
}
