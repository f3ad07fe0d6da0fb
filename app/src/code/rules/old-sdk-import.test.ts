import { describe, it } from 'vitest'
import { oldSdkImport } from './old-sdk-import.js'
import { testRule } from '../../../test/support/rule-tester.js'

describe('rule old-sdk-import', () => {
  it('flags the old package name and renames it', () => {
    testRule(
      oldSdkImport,
      ["import { Client } from '@hiero-ledger/sdk'", "const sdk = require('@hiero-ledger/sdk')", "import x from '@hashgraph/proto-like'", "// import { Client } from '@hashgraph/sdk'", "const s = '@hashgraph/sdk is old'"],
      [
        { code: "import { Client, Hbar } from '@hashgraph/sdk'", lines: [1], message: /old package name/, output: "import { Client, Hbar } from '@hiero-ledger/sdk'" },
        { code: 'const { Client } = require("@hashgraph/sdk");', lines: [1], output: 'const { Client } = require("@hiero-ledger/sdk");', js: true },
        { code: "const x = 1\nconst sdk = await import('@hashgraph/sdk')", lines: [2], output: "const sdk = await import('@hiero-ledger/sdk')" },
        { code: "export { Hbar } from '@hashgraph/sdk'", lines: [1], output: "export { Hbar } from '@hiero-ledger/sdk'" },
      ],
    )
  })
})
