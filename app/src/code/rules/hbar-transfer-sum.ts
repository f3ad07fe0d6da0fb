/** Rule: the hbar transfers of one TransferTransaction, all written as literals, do not add up to zero. */
import ts from 'typescript'
import type { ApiNames } from '../../knowledge/api-names.js'
import { chainCalls, chainRoot, declarationOf, identifiersNamed, isReassigned, newSdkClass, walk } from './ast.js'
import { formatTinybars, tinybarsOf } from './amounts.js'
import type { Finding, Rule } from './rule.js'

const TRANSFER_METHODS = new Set(['addHbarTransfer', 'addApprovedHbarTransfer'])

function isNewTransfer(expr: ts.Expression, names: ApiNames): boolean {
  return newSdkClass(expr, names) === 'TransferTransaction'
}

const methodOf = (call: ts.CallExpression) => (call.expression as ts.PropertyAccessExpression).name.text

/** The transfers of one transaction: its chain, plus `tx.addHbarTransfer(...)` statements in the same block. */
function transfersOf(top: ts.Expression): ts.CallExpression[] | undefined {
  const calls = chainCalls(top).filter((c) => TRANSFER_METHODS.has(methodOf(c)))
  const parent = top.parent
  if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name)) return calls
  const decl = parent
  if (isReassigned(decl)) return undefined
  const block = decl.parent.parent.parent // VariableDeclarationList -> VariableStatement -> Block/SourceFile
  const name = parent.name.text
  let unsure = false
  for (const node of identifiersNamed(decl.getSourceFile(), name)) {
    if (unsure) break
    if (node === decl.name || declarationOf(node) !== decl) continue
    const access = node.parent
    if (!ts.isPropertyAccessExpression(access) || access.expression !== node) {
      unsure = true // handed elsewhere
      continue
    }
    const call = access.parent
    if (!ts.isCallExpression(call) || !TRANSFER_METHODS.has(access.name.text)) continue
    // A transfer added in a loop, a branch or another function: its count is not visible.
    const statement = call.parent
    if (!ts.isExpressionStatement(statement) || statement.parent !== block) unsure = true
    else calls.push(call)
  }
  return unsure ? undefined : calls
}

export const hbarTransferSum: Rule = {
  meta: {
    name: 'hbar-transfer-sum',
    description: 'The literal hbar amounts of one TransferTransaction do not add up to zero.',
    why: 'A transfer list must balance: what leaves the senders equals what reaches the receivers. Otherwise the network answers INVALID_ACCOUNT_AMOUNTS and nothing moves.',
    fixable: false,
    guide: 'hbar-transfer',
  },
  check({ source, names }) {
    const findings: Finding[] = []
    walk(source, (node) => {
      if ((!ts.isCallExpression(node) && !ts.isNewExpression(node)) || !isNewTransfer(chainRoot(node), names)) return
      // Only the outermost call of each chain.
      const parent = node.parent
      if (ts.isPropertyAccessExpression(parent) && ts.isCallExpression(parent.parent)) return
      const transfers = transfersOf(node)
      if (!transfers || transfers.length < 2) return
      const amounts = transfers.map((c) => (c.arguments.length === 2 ? tinybarsOf(c.arguments[1]!) : undefined))
      if (amounts.some((a) => a === undefined)) return
      const sum = Math.round((amounts as number[]).reduce((a, b) => a + b, 0))
      if (sum === 0) return
      const first = transfers[0]!
      findings.push({
        start: (first.expression as ts.PropertyAccessExpression).name.getStart(),
        end: first.getEnd(),
        severity: 'error',
        message: `These hbar transfers add up to ${formatTinybars(sum)}, not 0: the network rejects the transaction with INVALID_ACCOUNT_AMOUNTS. Make the sender's amount negative and equal to what the receivers get.`,
      })
    })
    return findings
  },
}
