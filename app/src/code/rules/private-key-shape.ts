/** Rule: a private key literal whose shape says its type (0x hex = ECDSA, DER prefix) read with the wrong parser. */
import ts from 'typescript'
import { stringValue, walk } from './ast.js'
import type { Finding, Rule } from './rule.js'

const ECDSA_HEX = /^0x[0-9a-fA-F]{64}$/
/** DER prefixes of a private key: secp256k1 (ECDSA) and Ed25519. */
const ECDSA_DER = /^3030020100300706052b8104000a04220420[0-9a-fA-F]{64}$/i
const ED25519_DER = /^302e020100300506032b657004220420[0-9a-fA-F]{64}$/i

type Shape = 'ecdsa-hex' | 'ecdsa-der' | 'ed25519-der'

function shapeOf(text: string): Shape | undefined {
  if (ECDSA_HEX.test(text)) return 'ecdsa-hex'
  if (ECDSA_DER.test(text)) return 'ecdsa-der'
  if (ED25519_DER.test(text)) return 'ed25519-der'
  return undefined
}

/** What is wrong with `PrivateKey.<method>(key of this shape)`, and the method to use; undefined when it is right. */
function problem(method: string, shape: Shape): { severity: Finding['severity']; message: string; use: string } | undefined {
  if (method === 'fromString' && shape === 'ecdsa-hex')
    return { severity: 'error', use: 'fromStringECDSA', message: 'This key is 0x-prefixed hex, the ECDSA (EVM) format, but `PrivateKey.fromString` reads raw hex as an ED25519 key: signatures will fail with INVALID_SIGNATURE. Use `PrivateKey.fromStringECDSA`.' }
  if (method === 'fromString')
    return { severity: 'warning', use: 'fromStringDer', message: '`PrivateKey.fromString` is deprecated; this key is DER-encoded, so `PrivateKey.fromStringDer` reads it the same way without the deprecation.' }
  if (method === 'fromStringED25519' && shape !== 'ed25519-der')
    return { severity: 'error', use: shape === 'ecdsa-hex' ? 'fromStringECDSA' : 'fromStringDer', message: `This key is ${shape === 'ecdsa-hex' ? '0x-prefixed hex (the ECDSA format)' : 'a DER-encoded ECDSA (secp256k1) key'}, but it is read as ED25519.` }
  if (method === 'fromStringECDSA' && shape === 'ed25519-der')
    return { severity: 'error', use: 'fromStringDer', message: 'This key is a DER-encoded ED25519 key (prefix 302e...), but it is read as ECDSA.' }
  return undefined
}

export const privateKeyShape: Rule = {
  meta: {
    name: 'private-key-shape',
    description: 'A private key literal read with a parser that does not match its visible type (0x hex = ECDSA, DER prefix 3030... = ECDSA, 302e... = ED25519).',
    why: 'A key read as the wrong type signs with the wrong algorithm; the network answers INVALID_SIGNATURE and the key looks right in the code.',
    fixable: true,
    guide: 'key-fromstring-invalid-signature',
  },
  check({ source }) {
    const findings: Finding[] = []
    walk(source, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return
      const { expression: target, name } = node.expression
      if (!ts.isIdentifier(target) || target.text !== 'PrivateKey' || !/^fromString(ECDSA|ED25519)?$/.test(name.text)) return
      const arg = node.arguments[0]
      const value = arg && node.arguments.length === 1 ? stringValue(arg) : undefined
      const shape = value && shapeOf(value.value.trim())
      const found = shape && problem(name.text, shape)
      if (!found) return
      findings.push({
        start: name.getStart(),
        end: node.getEnd(),
        severity: found.severity,
        message: found.message,
        fix: { start: name.getStart(), end: name.getEnd(), text: found.use, title: `Read the key with PrivateKey.${found.use}` },
      })
    })
    return findings
  },
}
