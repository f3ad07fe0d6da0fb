/** Rule: a transaction signed before it is frozen; the SDK throws, since the bytes being signed are not final yet. */
import ts from 'typescript'
import { chainCalls, chainRoot, clientName, declarationOf, identifiersNamed, isReassigned, newSdkClass, walk } from './ast.js'
import type { Finding, Fix, Rule, RuleContext } from './rule.js'

const FREEZES = new Set(['freeze', 'freezeWith', 'execute', 'signWithOperator', 'executeWithSigner', 'freezeWithSigner'])
const SIGNS = new Set(['sign', 'signWith'])

/** `new XTransaction(...)` of an SDK transaction class. */
function isNewTransaction(expr: ts.Expression, context: RuleContext): boolean {
  const cls = newSdkClass(expr, context.names)
  return cls !== undefined && /Transaction$/.test(cls) && context.names.hasInstanceMethod(cls, 'freezeWith')
}

function functionOf(node: ts.Node): ts.Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p
  return undefined
}

const MESSAGE = 'The transaction is signed before it is frozen: the SDK throws ("transaction must have been frozen before calculating the hash"). Call `freezeWith(client)` first, then `sign`.'

/** `new X().set...().sign(key)` in one chain with no freeze before the sign. */
function chainFindings(context: RuleContext, client: string | undefined): Finding[] {
  const findings: Finding[] = []
  walk(context.source, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !SIGNS.has(node.expression.name.text)) return
    if (!isNewTransaction(chainRoot(node), context)) return
    const calls = chainCalls(node)
    if (calls.slice(0, -1).some((c) => FREEZES.has((c.expression as ts.PropertyAccessExpression).name.text))) return
    const dot = node.expression.name.getStart() - 1
    const fix: Fix | undefined = client ? { start: dot, end: dot, text: `.freezeWith(${client})`, title: 'Freeze the transaction before signing it' } : undefined
    findings.push({ start: node.expression.name.getStart(), end: node.getEnd(), severity: 'error', message: MESSAGE, ...(fix ? { fix } : {}) })
  })
  return findings
}

/** `const tx = new X()...` (never frozen in its chain), then `tx.sign(key)` with no freeze of tx in between. */
function variableFindings(context: RuleContext, client: string | undefined): Finding[] {
  const findings: Finding[] = []
  const reported = new Set<ts.VariableDeclaration>()
  walk(context.source, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !SIGNS.has(node.expression.name.text)) return
    const target = node.expression.expression
    if (!ts.isIdentifier(target)) return
    const decl = declarationOf(target)
    if (!decl?.initializer || reported.has(decl) || isReassigned(decl)) return
    const init = decl.initializer
    if (!isNewTransaction(chainRoot(init), context)) return
    if (chainCalls(init).some((c) => FREEZES.has((c.expression as ts.PropertyAccessExpression).name.text))) return
    if (functionOf(decl) !== functionOf(node) || usedBefore(target.text, decl, node)) return
    reported.add(decl)
    const statement = statementOf(node)
    const fix = client && statement ? insertBefore(statement, `${target.text}.freezeWith(${client})`) : undefined
    findings.push({ start: node.expression.name.getStart(), end: node.getEnd(), severity: 'error', message: MESSAGE, ...(fix ? { fix } : {}) })
  })
  return findings
}

/** Whether `name` is frozen, executed or handed to other code between its declaration and `at`. */
function usedBefore(name: string, decl: ts.VariableDeclaration, at: ts.Node): boolean {
  return identifiersNamed(decl.getSourceFile(), name).some((node) => {
    if (node.getStart() < decl.end || node.getStart() >= at.getStart()) return false
    const parent = node.parent
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return FREEZES.has(parent.name.text) || SIGNS.has(parent.name.text)
    // Passed to a function, returned, stored elsewhere: it may be frozen there.
    return true
  })
}

function statementOf(node: ts.Node): ts.Statement | undefined {
  for (let p: ts.Node | undefined = node; p; p = p.parent) if (ts.isExpressionStatement(p) || ts.isVariableStatement(p)) return p
  return undefined
}

function insertBefore(statement: ts.Statement, code: string): Fix {
  const text = statement.getSourceFile().text
  const start = statement.getStart()
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const indent = /^[ \t]*/.exec(text.slice(lineStart, start))?.[0] ?? ''
  const semi = statement.getText().trimEnd().endsWith(';') ? ';' : ''
  return { start, end: start, text: `${code}${semi}\n${indent}`, title: 'Freeze the transaction before signing it' }
}

export const signBeforeFreeze: Rule = {
  meta: {
    name: 'sign-before-freeze',
    description: 'A new transaction is signed (`sign`, `signWith`) before `freezeWith`/`freeze`.',
    why: 'A signature covers the final transaction bytes; the SDK refuses to sign a transaction that is not frozen, so the program throws before anything is sent.',
    fixable: true,
    guide: 'transaction-offline-signing',
  },
  check(context) {
    const client = clientName(context.source)
    return [...chainFindings(context, client), ...variableFindings(context, client)]
  },
}
