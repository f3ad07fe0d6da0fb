/** Rule: `execute`, `getReceipt` and `getRecord` return promises; a result used without `await` is a pending promise. */
import ts from 'typescript'
import { canAwait, chainRoot, clientName, heldClass, identifiersNamed, newSdkClass, receiverOf, usesSdk, walk } from './ast.js'
import type { Finding, Rule, RuleContext } from './rule.js'

const ASYNC_METHODS = new Set(['execute', 'getReceipt', 'getRecord'])

/** Whether this `x.execute(...)` is an SDK call: the receiver holds an SDK class, or the argument is the client. */
function isSdkCall(call: ts.CallExpression, method: string, context: RuleContext, client: string | undefined): boolean {
  if (call.arguments.length !== 1) return false
  if (method !== 'execute') return true
  const receiver = receiverOf(call)
  if (!receiver) return false
  if (heldClass(receiver, context.names)) return true
  if (newSdkClass(chainRoot(receiver), context.names)) return true
  const arg = call.arguments[0]!
  return client !== undefined && ts.isIdentifier(arg) && arg.text === client
}

/** How the promise is misused, if it is: dropped, read as if it were the result, or chained on. */
function misuse(call: ts.CallExpression): 'floating' | 'chained' | 'stored' | undefined {
  let node: ts.Node = call
  while (node.parent && ts.isParenthesizedExpression(node.parent)) node = node.parent
  const parent = node.parent
  if (!parent) return undefined
  if (ts.isExpressionStatement(parent)) return 'floating'
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return ['then', 'catch', 'finally'].includes(parent.name.text) ? undefined : 'chained'
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name) && readsProperty(parent.name)) return 'stored'
  return undefined
}

/** Whether the variable is later read as `v.something` (other than then/catch/finally), i.e. used as the result. */
function readsProperty(name: ts.Identifier): boolean {
  return identifiersNamed(name.getSourceFile(), name.text).some((id) => {
    const parent = id.parent
    return id.getStart() > name.getStart() && ts.isPropertyAccessExpression(parent) && parent.expression === id && !['then', 'catch', 'finally'].includes(parent.name.text)
  })
}

export const unawaitedCall: Rule = {
  meta: {
    name: 'unawaited-call',
    description: '`execute`, `getReceipt` or `getRecord` whose promise is dropped or used as if it were the result.',
    why: 'Without `await` the program goes on before the network answered: the receipt is a pending Promise, errors are lost, and the process may exit before the transaction is sent.',
    fixable: true,
    guide: 'receipts-and-records',
  },
  check(context) {
    const { source } = context
    if (!usesSdk(source)) return []
    const client = clientName(source)
    const findings: Finding[] = []
    walk(source, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return
      const method = node.expression.name.text
      if (!ASYNC_METHODS.has(method) || !isSdkCall(node, method, context, client)) return
      const how = misuse(node)
      if (!how) return
      const start = node.getStart()
      const message =
        how === 'floating'
          ? `\`${method}\` returns a Promise that nothing awaits: failures are never seen and the program may end before it completes. Add \`await\`.`
          : `\`${method}\` returns a Promise; ${how === 'chained' ? 'calling on it' : 'reading its fields'} before \`await\` gets the Promise, not the ${method === 'execute' ? 'response' : method === 'getReceipt' ? 'receipt' : 'record'}. Add \`await\`.`
      const fixable = canAwait(node)
      const fix = fixable ? (how === 'chained' ? { start, end: node.getEnd(), text: `(await ${node.getText()})`, title: `Await ${method}` } : { start, end: start, text: 'await ', title: `Await ${method}` }) : undefined
      findings.push({ start, end: node.getEnd(), severity: 'error', message: fixable ? message : `${message} (inside a function that is not async: make it async first)`, ...(fix ? { fix } : {}) })
    })
    return findings
  },
}
