import { describe, it } from 'vitest'
import { testRule } from '../../../test/support/rule-tester.js'
import { singleIdArray } from './single-id-array.js'

const HEAD = "import { TokenAssociateTransaction, TokenMintTransaction, TokenCreateTransaction, TokenId, TokenBurnTransaction } from '@hiero-ledger/sdk'\n"

describe('rule single-id-array', () => {
  it('wraps a single id in a list where the SDK wants one', () => {
    testRule(
      singleIdArray,
      [
        `${HEAD}new TokenAssociateTransaction().setAccountId(id).setTokenIds([tokenId])`,
        `${HEAD}new TokenAssociateTransaction().setTokenIds(tokenIds)`,
        `${HEAD}const ids = [TokenId.fromString('0.0.5')]\nnew TokenAssociateTransaction().setTokenIds(ids)`,
        // TokenCreateTransaction.setMetadata takes one Uint8Array: not a list.
        `${HEAD}new TokenCreateTransaction().setMetadata(Buffer.from('x'))`,
        `${HEAD}new TokenMintTransaction().setMetadata([Buffer.from('ipfs://x')])`,
        `${HEAD}other.setTokenIds(list)`,
        "class Batch { setSerials(n) {} }\nnew Batch().setSerials(3)", // no SDK in the file
      ],
      [
        { code: `${HEAD}new TokenAssociateTransaction().setAccountId(id).setTokenIds(TokenId.fromString('0.0.5'))`, lines: [2], message: /takes a list/, output: "new TokenAssociateTransaction().setAccountId(id).setTokenIds([TokenId.fromString('0.0.5')])" },
        { code: `${HEAD}const tokenId = receipt.tokenId\nconst tx = new TokenAssociateTransaction()\n  .setTokenIds(tokenId)`, lines: [4], output: '  .setTokenIds([tokenId])' },
        { code: `${HEAD}new TokenMintTransaction().setTokenId(t).setMetadata(Buffer.from('ipfs://x'))`, lines: [2], message: /metadata entry/, output: "new TokenMintTransaction().setTokenId(t).setMetadata([Buffer.from('ipfs://x')])" },
        { code: `${HEAD}new TokenBurnTransaction().setSerials(3)`, lines: [2], message: /serial number/, output: 'new TokenBurnTransaction().setSerials([3])' },
        { code: `${HEAD}tx.setNodeAccountIds('0.0.3')`, lines: [2], output: "tx.setNodeAccountIds(['0.0.3'])" },
      ],
    )
  })
})
