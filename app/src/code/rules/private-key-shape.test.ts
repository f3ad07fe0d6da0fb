import { describe, it } from 'vitest'
import { privateKeyShape } from './private-key-shape.js'
import { testRule } from '../../../test/support/rule-tester.js'

const HEX = 'a'.repeat(64)
const ECDSA_DER = `3030020100300706052b8104000a04220420${HEX}`
const ED_DER = `302e020100300506032b657004220420${HEX}`

describe('rule private-key-shape', () => {
  it('matches the parser to the key literal', () => {
    testRule(
      privateKeyShape,
      [
        `PrivateKey.fromStringECDSA("0x${HEX}")`,
        `PrivateKey.fromStringDer("${ECDSA_DER}")`,
        `PrivateKey.fromStringED25519("${HEX}")`,
        `PrivateKey.fromString("${HEX}")`, // raw 64 hex: ED25519 or ECDSA, the shape does not say
        'PrivateKey.fromString(process.env.OPERATOR_KEY!)',
        `let k = "0x${HEX}"; k = other; PrivateKey.fromString(k)`,
        `PrivateKey.fromStringECDSA("${ECDSA_DER}")`,
        `Other.fromString("0x${HEX}")`,
      ],
      [
        { code: `const key = PrivateKey.fromString("0x${HEX}")`, lines: [1], message: /ECDSA/, output: `const key = PrivateKey.fromStringECDSA("0x${HEX}")` },
        { code: `const raw = '0x${HEX}'\nconst key = PrivateKey.fromString(raw)`, lines: [2], output: 'const key = PrivateKey.fromStringECDSA(raw)' },
        { code: `PrivateKey.fromString("${ECDSA_DER}")`, lines: [1], message: /deprecated/, output: `PrivateKey.fromStringDer("${ECDSA_DER}")` },
        { code: `PrivateKey.fromStringED25519("${ECDSA_DER}")`, lines: [1], output: `PrivateKey.fromStringDer("${ECDSA_DER}")` },
        { code: `PrivateKey.fromStringED25519("0x${HEX}")`, lines: [1], output: `PrivateKey.fromStringECDSA("0x${HEX}")` },
        { code: `PrivateKey.fromStringECDSA("${ED_DER}")`, lines: [1], message: /ED25519/, output: `PrivateKey.fromStringDer("${ED_DER}")` },
      ],
    )
  })
})
