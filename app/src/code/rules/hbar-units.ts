/** Rule: hbar/tinybar mix-ups visible in literals: tinybar-sized numbers read as hbar, fractions of a tinybar. */
import ts from 'typescript'
import { numberValue } from './amounts.js'
import { usesSdk, walk } from './ast.js'
import type { Finding, Rule } from './rule.js'

/** Setters for a fee or query payment: a plain number there is read as hbar. */
const FEE_SETTERS = new Set(['setMaxTransactionFee', 'setDefaultMaxTransactionFee', 'setMaxQueryPayment', 'setDefaultMaxQueryPayment', 'setQueryPayment'])
/** Other places a plain number is read as hbar. */
const HBAR_AMOUNTS = new Set(['setInitialBalance', 'addHbarTransfer', 'addApprovedHbarTransfer', 'setPayableAmount'])
/** At or above this many hbar a literal is surely meant as tinybars for a fee (testnet accounts hold about 1,000 ℏ). */
const TINYBAR_SIZED = 1_000_000

const hasMoreThan8Decimals = (n: number) => Math.abs(Math.round(n * 1e8) - n * 1e8) > 1e-6

function feeFinding(call: ts.CallExpression, arg: ts.Expression, n: number): Finding {
  const method = (call.expression as ts.PropertyAccessExpression).name.text
  return {
    start: arg.getStart(),
    end: arg.getEnd(),
    severity: 'warning',
    message: `\`${method}(${arg.getText()})\` reads the number as hbar (${n.toLocaleString('en-US')} ℏ), far more than any fee; it looks like tinybars. Write \`Hbar.fromTinybars(${arg.getText()})\`, or the hbar amount with \`new Hbar(...)\`.`,
    fix: { start: arg.getStart(), end: arg.getEnd(), text: `Hbar.fromTinybars(${arg.getText()})`, title: 'Read the fee as tinybars' },
  }
}

function checkCall(node: ts.CallExpression, findings: Finding[]): void {
  if (!ts.isPropertyAccessExpression(node.expression)) return
  const { expression: target, name } = node.expression
  const last = node.arguments.at(-1)
  if (ts.isIdentifier(target) && target.text === 'Hbar' && name.text === 'fromTinybars' && node.arguments.length === 1) {
    const n = numberValue(node.arguments[0]!)
    if (n !== undefined && !Number.isInteger(n)) {
      findings.push({
        start: node.getStart(),
        end: node.getEnd(),
        severity: 'error',
        message: `\`Hbar.fromTinybars\` takes whole tinybars (1 ℏ = 100,000,000 tinybars); ${n} is a fraction, so it looks like hbar. Write \`new Hbar(${node.arguments[0]!.getText()})\`.`,
        fix: { start: node.getStart(), end: node.getEnd(), text: `new Hbar(${node.arguments[0]!.getText()})`, title: 'Write the amount as hbar' },
      })
    }
    return
  }
  if (!last) return
  const n = numberValue(last)
  if (n === undefined) return
  if (FEE_SETTERS.has(name.text) && node.arguments.length === 1 && Math.abs(n) >= TINYBAR_SIZED) return void findings.push(feeFinding(node, last, n))
  if (HBAR_AMOUNTS.has(name.text) && Number.isInteger(n) && Math.abs(n) >= TINYBAR_SIZED * 100 && ts.isNumericLiteral(last.kind === ts.SyntaxKind.PrefixUnaryExpression ? (last as ts.PrefixUnaryExpression).operand : last)) {
    findings.push({
      start: last.getStart(),
      end: last.getEnd(),
      severity: 'warning',
      message: `\`${name.text}\` reads ${last.getText()} as hbar (${n.toLocaleString('en-US')} ℏ). If it is tinybars, write \`Hbar.fromTinybars(${last.getText().replace(/^-/, '')})\`${n < 0 ? ' negated' : ''}.`,
    })
  }
}

function checkNewHbar(node: ts.NewExpression, findings: Finding[]): void {
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'Hbar' || node.arguments?.length !== 1) return
  const n = numberValue(node.arguments[0]!)
  if (n === undefined || !hasMoreThan8Decimals(n)) return
  findings.push({ start: node.getStart(), end: node.getEnd(), severity: 'error', message: `${n} ℏ is less precise than one tinybar (0.00000001 ℏ): hbar amounts have at most 8 decimals. Use \`Hbar.fromTinybars(...)\` with a whole number.` })
}

export const hbarUnits: Rule = {
  meta: {
    name: 'hbar-units',
    description: 'Hbar/tinybar mix-ups visible in literals: a tinybar-sized fee read as hbar, fractional tinybars, amounts finer than a tinybar.',
    why: 'A plain number in the SDK means hbar, and 1 ℏ = 100,000,000 tinybars: a fee written in tinybars becomes a cap of millions of hbar, and a fractional tinybar amount cannot exist.',
    fixable: true,
    guide: 'hbar-units-tinybars',
  },
  check({ source }) {
    if (!usesSdk(source)) return []
    const findings: Finding[] = []
    walk(source, (node) => {
      if (ts.isCallExpression(node)) checkCall(node, findings)
      else if (ts.isNewExpression(node)) checkNewHbar(node, findings)
    })
    return findings
  },
}
